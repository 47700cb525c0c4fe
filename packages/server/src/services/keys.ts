/**
 * Component keys modules share (see process/modules.ts). A key's type is the contract; the module that
 * `provides` it publishes the value, modules that `needs` it start after that one.
 */
import type { Envelope } from "@sw4rm/protocol";
import type { AgentDirectory, RouterIngress } from "../contracts.js";
import { componentKey } from "../process/modules.js";

/** The registry's read side: routing, modalities, liveness (provided by registry). */
export const DIRECTORY = componentKey<AgentDirectory>("directory");

/** Submits envelopes as the router's SendMessage does, minus gRPC (provided by router). */
export const INGRESS = componentKey<RouterIngress>("ingress");

/** Hands envelopes addressed to a server component's agent id to it in-process; returns detach (router). */
export type LocalAgents = (agentId: string, handler: (envelope: Envelope) => void | Promise<void>) => () => void;
export const LOCAL_AGENTS = componentKey<LocalAgents>("localAgents");

/** The router's introspection for admin views (queues, messages, DLQ) (router). */
export const ROUTER_ADMIN = componentKey<import("./router/admin.js").RouterAdmin>("routerAdmin");

/** The scheduler's task list and state for admin views (scheduler). */
export const SCHEDULER_ADMIN = componentKey<import("./scheduler/index.js").SchedulerAdmin>("schedulerAdmin");
