/** Registry component factory (spec §14): durable agent directory + RegistryService + notifications. */
import { join } from "node:path";
import type { RegistryServiceServer } from "@sw4rm/protocol";
import type { AgentDirectory, RouterIngress, ServiceContext } from "../contracts.js";
import { registryServiceDefinition, rejectUndecodable } from "./definition.js";
import { createRegistryGrpc } from "./grpc.js";
import { startRegistryNotifier } from "./notifier.js";
import { Registry, type RegistryOptions } from "./registry.js";
import { type RegistryStore, SqliteRegistryStore } from "./store.js";

export { registryServiceDefinition } from "./definition.js";
export type { RegistryEvent, RegistryEventName, RegistryNotifier } from "./notifier.js";
export { REGISTRY_PRODUCER_ID, registryEventOf, startRegistryNotifier } from "./notifier.js";
export type { RegisterResult, RegistryOptions } from "./registry.js";
export { DEFAULT_MISSED_HEARTBEATS, Registry } from "./registry.js";
export type { RegistryStore } from "./store.js";
export { MemoryRegistryStore, SqliteRegistryStore } from "./store.js";
export type { DescriptorCheck } from "./validation.js";
export { checkDescriptor, countWords, MAX_DESCRIPTION_WORDS, RESERVED_AGENT_ID_PREFIX } from "./validation.js";

export const REGISTRY_DB_FILE = "registry.db";

export interface CreateRegistryOptions extends ServiceContext {
  /** Where registry.db lives; ignored when `store` is given. */
  readonly dataDir?: string;
  readonly store?: RegistryStore;
  readonly options?: RegistryOptions & {
    /** Announce join/leave/state changes to agents (default true). */
    readonly notifications?: boolean;
  };
}

export interface RegistryComponent {
  readonly registry: Registry;
  readonly directory: AgentDirectory;
  readonly grpc: RegistryServiceServer;
  /**
   * The definition to register `grpc` with (`server.addService(component.service, component.grpc)`):
   * undecodable requests then get INVALID_ARGUMENT instead of grpc-js's INTERNAL.
   */
  readonly service: typeof registryServiceDefinition;
  /** Starts announcements once the router exists (the router needs the directory first). */
  connectRouter(ingress: RouterIngress): void;
  /** Stops announcements (shutdown: nothing may be submitted once the router starts closing). */
  disconnectRouter(): Promise<void>;
  close(): Promise<void>;
}

export function createRegistry(opts: CreateRegistryOptions): RegistryComponent {
  const { clock } = opts;
  const logger = opts.logger.child({ component: "registry" });
  let store = opts.store;
  if (!store) {
    if (!opts.dataDir) throw new TypeError("createRegistry needs a dataDir or a store");
    store = new SqliteRegistryStore(join(opts.dataDir, REGISTRY_DB_FILE));
  }
  const registry = new Registry({ store, clock, logger, options: opts.options });
  let notifier: ReturnType<typeof startRegistryNotifier> | undefined;
  return {
    registry,
    directory: registry,
    grpc: rejectUndecodable(createRegistryGrpc(registry, logger)),
    service: registryServiceDefinition,
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
      registry.close();
    },
  };
}
