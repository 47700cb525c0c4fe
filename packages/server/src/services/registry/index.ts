/** Registry component factory (spec §14): durable agent directory + RegistryService + notifications. */
import { RegistryServiceService } from "@sw4rm/protocol";
import type { AgentDirectory, RouterIngress, ServiceContext } from "../../contracts.js";
import type { ServiceHandlers } from "../../grpc/handlers.js";
import { registryHandlers } from "./grpc.js";
import { startRegistryNotifier } from "./notifier.js";
import { Registry, type RegistryOptions } from "./registry.js";
import type { RegistryStore } from "./store.js";

export type { RegistryEvent, RegistryEventName, RegistryNotifier } from "./notifier.js";
export { REGISTRY_PRODUCER_ID, registryEventOf, startRegistryNotifier } from "./notifier.js";
export type { RegisterResult, RegistryOptions } from "./registry.js";
export { DEFAULT_MISSED_HEARTBEATS, Registry } from "./registry.js";
export { SqliteRegistryStore } from "./sqliteStore.js";
export type { RegistryStore } from "./store.js";
export { MemoryRegistryStore } from "./store.js";
export type { DescriptorCheck } from "./validation.js";
export { checkDescriptor, countWords, MAX_DESCRIPTION_WORDS, RESERVED_AGENT_ID_PREFIX } from "./validation.js";

/** The SQLite backend's file name in the data directory. */
export const REGISTRY_DB_FILE = "registry.db";

export interface CreateRegistryOptions extends ServiceContext {
  /** The durable record of agents; whoever opened it closes it (after `close()`). */
  readonly store: RegistryStore;
  readonly options?: RegistryOptions & {
    /** Announce join/leave/state changes to agents (default true). */
    readonly notifications?: boolean;
  };
}

export interface RegistryComponent {
  readonly registry: Registry;
  readonly directory: AgentDirectory;
  /** RegistryService, bound through the call pipeline (definition + handlers). */
  readonly definition: typeof RegistryServiceService;
  readonly handlers: ServiceHandlers<typeof RegistryServiceService>;
  /** Starts announcements once the router exists (the router needs the directory first). */
  connectRouter(ingress: RouterIngress): void;
  /** Stops announcements (shutdown: nothing may be submitted once the router starts closing). */
  disconnectRouter(): Promise<void>;
  /** Stops announcements and liveness timers and waits for changes in progress; does not close the store. */
  close(): Promise<void>;
}

/** Loads the registered agents from `store` and builds the component around them. */
export async function createRegistry(opts: CreateRegistryOptions): Promise<RegistryComponent> {
  const { clock, store } = opts;
  const { logger } = opts;
  const registry = await Registry.open({ store, clock, logger, options: opts.options });
  let notifier: ReturnType<typeof startRegistryNotifier> | undefined;
  return {
    registry,
    directory: registry,
    definition: RegistryServiceService,
    handlers: registryHandlers(registry, logger),
    connectRouter(ingress) {
      if (notifier || opts.options?.notifications === false) return;
      notifier = startRegistryNotifier({ directory: registry, ingress, clock, logger });
    },
    async disconnectRouter() {
      const n = notifier;
      notifier = undefined;
      await n?.close();
    },
    async close() {
      await notifier?.close();
      notifier = undefined;
      await registry.close();
    },
  };
}
