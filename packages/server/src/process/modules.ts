/**
 * The composition unit: each service `sw4rm up` hosts is a ServiceModule. Modules declare what they
 * `needs` (started before them) and `provides` with typed component keys; the composer (compose.ts)
 * orders them and refuses a missing or cyclic provider at start, naming both sides. `uses` are soft
 * dependencies without ordering, read from `ready()` on (e.g. the registry announces through the router,
 * which itself needs the registry's directory).
 */
import type { ServiceName } from "@sw4rm/protocol";
import type { Clock } from "@sw4rm/protocol";
import type { Registry as MetricsRegistry } from "prom-client";
import type { AdminRoute } from "../admin/route.js";
import type { CallGuard, Logger } from "../contracts.js";
import type { MethodPolicy } from "../auth/policy.js";
import type { DefinitionLike, ServiceHandlers } from "../grpc/handlers.js";
import type { StorageProvider } from "../storage/provider.js";
import type { JsonObject, ServerConfig } from "./config.js";

/** A typed name for a component one module provides to others. */
export interface ComponentKey<T> {
  readonly id: string;
  /** Phantom field carrying T (never set). */
  readonly __type?: (value: T) => T;
}

export function componentKey<T>(id: string): ComponentKey<T> {
  return { id };
}

/** A key whatever its component type (lists of needs/provides). */
export type AnyKey = { readonly id: string };

export interface ModuleContext {
  readonly name: string;
  readonly config: ServerConfig;
  /** This module's config section (without addr/enabled); its own code validates and defaults it. */
  readonly settings: JsonObject;
  readonly clock: Clock;
  /** Already a child logger with `{ service: <name> }`. */
  readonly logger: Logger;
  /** The server's Prometheus registry (families are named `sw4rm_<service>_…`). */
  readonly metrics: MetricsRegistry;
  /** Authentication of calls; undefined when auth is off. */
  readonly guard: CallGuard | undefined;
  readonly storage: StorageProvider;
  /** Aborted when the server starts shutting down. */
  readonly shutdown: AbortSignal;
  /** A component of a module this one `needs`. */
  get<T>(key: ComponentKey<T>): T;
  /** A component declared in `uses` (or `needs`), if some running module provides it; from ready() on. */
  find<T>(key: ComponentKey<T>): T | undefined;
  /** Publishes a component declared in `provides`. */
  provide<T>(key: ComponentKey<T>, value: T): void;
}

/** A gRPC service a module serves, bound through the call pipeline (grpc/pipeline.ts). */
export interface ServiceBinding<D extends DefinitionLike = DefinitionLike> {
  /** Which service-table address (port) it is served on. */
  readonly service: ServiceName;
  /** Health-check name; default the table's gRPC name (set for extensions such as RouterSession). */
  readonly healthName?: string;
  readonly definition: D;
  readonly handlers: ServiceHandlers<D>;
  /** Authorization per method path (unlisted methods: any authenticated caller). */
  readonly policies?: Readonly<Record<string, MethodPolicy>>;
  /** Named in storage-failure answers. */
  readonly store?: { describe(): string };
  /** Largest request this service needs (default MAX_GRPC_MESSAGE_BYTES); a port takes its services' maximum. */
  readonly maxReceiveBytes?: number;
}

/** Type-checks a binding's handlers against its definition. */
export function binding<D extends DefinitionLike>(b: ServiceBinding<D>): ServiceBinding {
  return b as unknown as ServiceBinding;
}

export interface StartedModule {
  readonly bindings: readonly ServiceBinding[];
  /** Admin HTTP routes (JSON, snake_case views) this module answers. */
  readonly routes?: readonly AdminRoute[];
  /** Once every module has started: cross-wiring through `uses` components. */
  ready?(): void;
  /** First step of shutdown, before any module closes (stop cross-module traffic). */
  stopping?(): Promise<void>;
  /** Releases resources (streams, storage). Called after the gRPC servers stopped accepting calls. */
  close(): Promise<void>;
}

export interface ServiceModule {
  readonly name: string;
  readonly needs?: readonly AnyKey[];
  readonly uses?: readonly AnyKey[];
  readonly provides?: readonly AnyKey[];
  start(ctx: ModuleContext): Promise<StartedModule>;
}
