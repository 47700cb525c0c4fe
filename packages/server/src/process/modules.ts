/**
 * The composition unit: each gRPC service `sw4rm up` hosts is a ServiceModule in an ordered list.
 * Modules start in list order (so later ones can use components of earlier ones: the router needs
 * the registry's directory), get a `ready` call once all are up, and close in reverse order.
 */
import type { Clock, Envelope } from "@sw4rm/protocol";
import type { SchedulerAdmin } from "../scheduler/index.js";
import type { Registry as MetricsRegistry } from "prom-client";
import type { RouterIntrospection } from "../admin/sources.js";
import type { AgentDirectory, CallGuard, Logger, RouterIngress } from "../contracts.js";
import type { ServedService, ServerConfig } from "./config.js";
import type { GrpcBinding } from "./grpcServer.js";

/** Components modules share with each other and with the admin surface. */
export interface Components {
  directory?: AgentDirectory;
  ingress?: RouterIngress;
  routerAdmin?: RouterIntrospection;
  /** Hands envelopes for a server component's agent id to it in-process (the router's attachLocal). */
  attachLocal?: (agentId: string, handler: (envelope: Envelope) => void | Promise<void>) => () => void;
  /** Task list and state, for the admin surface. */
  schedulerAdmin?: SchedulerAdmin;
  /** Prometheus registry served on the admin /metrics endpoint (one per server, never the global one). */
  metrics?: MetricsRegistry;
  /** Authentication/authorization of calls (set by the process before modules start; absent = auth off). */
  guard?: CallGuard;
}

export interface ModuleContext {
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly components: Components;
}

export interface ServiceBinding extends GrpcBinding {
  /** Which configured address (port) the service is served on. */
  readonly service: ServedService;
}

export interface StartedModule {
  readonly bindings: readonly ServiceBinding[];
  /** Cross-wiring once every module has started (e.g. registry notifications through the router). */
  ready?(): void;
  /** First step of shutdown, before any module closes (stop cross-module traffic). */
  stopping?(): Promise<void>;
  /** Releases resources (streams, storage). Called after the gRPC servers stopped accepting calls. */
  close(): Promise<void>;
}

export interface ServiceModule {
  readonly name: string;
  start(ctx: ModuleContext): Promise<StartedModule>;
}

/** Fetches a component an earlier module must have provided. */
export function requireComponent<K extends keyof Components>(ctx: ModuleContext, key: K, by: string) {
  const value = ctx.components[key];
  if (value === undefined) throw new Error(`module "${by}" needs component "${key}": check the module order`);
  return value as NonNullable<Components[K]>;
}
