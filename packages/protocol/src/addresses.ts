/**
 * Default service addresses and the env vars that override them (doc Part 3).
 *
 * The fact sheet fixes ports 50051..50060. Five services have no upstream port; we place
 * SchedulerPolicy beside the Scheduler (same proto package), the coordination services
 * (NegotiationRoom, Handoff, Workflow) on 50061 instead of upstream's 50060, which clashes with
 * Logging (doc Part 5 #23), and Activity on 50062.
 */
export const SERVICE_NAMES = [
  "router",
  "registry",
  "scheduler",
  "schedulerPolicy",
  "hitl",
  "worktree",
  "tool",
  "connector",
  "negotiation",
  "negotiationRoom",
  "reasoning",
  "logging",
  "activity",
  "handoff",
  "workflow",
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceEndpoint {
  readonly port: number;
  /** Env vars checked in order; the first set one wins. */
  readonly env: readonly string[];
}

export const SERVICE_ENDPOINTS: Readonly<Record<ServiceName, ServiceEndpoint>> = {
  router: { port: 50051, env: ["SW4RM_ROUTER_ADDR"] },
  registry: { port: 50052, env: ["SW4RM_REGISTRY_ADDR"] },
  scheduler: { port: 50053, env: ["SW4RM_SCHEDULER_ADDR"] },
  schedulerPolicy: { port: 50053, env: ["SW4RM_SCHEDULER_POLICY_ADDR", "SW4RM_SCHEDULER_ADDR"] },
  hitl: { port: 50054, env: ["SW4RM_HITL_ADDR"] },
  worktree: { port: 50055, env: ["SW4RM_WORKTREE_ADDR"] },
  tool: { port: 50056, env: ["SW4RM_TOOL_ADDR"] },
  connector: { port: 50057, env: ["SW4RM_CONNECTOR_ADDR"] },
  negotiation: { port: 50058, env: ["SW4RM_NEGOTIATION_ADDR"] },
  negotiationRoom: { port: 50061, env: ["SW4RM_NEGOTIATION_ROOM_ADDR", "SW4RM_COORDINATION_ADDR"] },
  reasoning: { port: 50059, env: ["SW4RM_REASONING_ADDR"] },
  logging: { port: 50060, env: ["SW4RM_LOGGING_ADDR"] },
  activity: { port: 50062, env: ["SW4RM_ACTIVITY_ADDR"] },
  handoff: { port: 50061, env: ["SW4RM_HANDOFF_ADDR", "SW4RM_COORDINATION_ADDR"] },
  workflow: { port: 50061, env: ["SW4RM_WORKFLOW_ADDR", "SW4RM_COORDINATION_ADDR"] },
};

/** Default HTTP admin/introspection port of `sw4rm up`. */
export const ADMIN_HTTP_PORT = 50080;

export interface ResolvedAddress {
  /** `host:port` as grpc-js expects it (no scheme). */
  readonly target: string;
  /** True when the address was given as `https://…` (TLS implied). */
  readonly tls: boolean;
  /** Where the value came from: "argument", the env var name, or "default". */
  readonly source: string;
}

/** Strips an `http://`/`https://` scheme (upstream JS/Rust defaults carry one; grpc-js does not accept it). */
export function normalizeAddress(address: string): { target: string; tls: boolean } {
  const trimmed = address.trim();
  const m = /^(https?):\/\/(.*?)\/?$/i.exec(trimmed);
  if (!m) return { target: trimmed, tls: false };
  return { target: m[2] ?? "", tls: m[1]?.toLowerCase() === "https" };
}

/** Address precedence: explicit argument > env var(s) > default `localhost:<port>`. */
export function resolveServiceAddress(
  service: ServiceName,
  explicit?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedAddress {
  if (explicit !== undefined && explicit.trim() !== "") return { ...normalizeAddress(explicit), source: "argument" };
  const endpoint = SERVICE_ENDPOINTS[service];
  for (const name of endpoint.env) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return { ...normalizeAddress(value), source: name };
  }
  return { target: `localhost:${endpoint.port}`, tls: false, source: "default" };
}
