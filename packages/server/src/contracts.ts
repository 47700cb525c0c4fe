/**
 * Contracts between the server's components. The router, registry, scheduler and the process that
 * composes them depend on these interfaces, not on each other's classes.
 */
import type { AgentDescriptor, AgentState, Clock, Envelope, ErrorCode } from "@sw4rm/protocol";
import type { ServerUnaryCall } from "@grpc/grpc-js";
import type { Sw4rmError } from "@sw4rm/protocol";
import type { Logger } from "pino";

export type { Logger };

/** What every component factory receives. */
export interface ServiceContext {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A registered agent as the registry knows it. */
export interface AgentRecord {
  readonly descriptor: AgentDescriptor;
  readonly state: AgentState;
  /** False once heartbeats were missed (spec §14: unavailable, never removed by that alone). */
  readonly available: boolean;
  readonly health: Readonly<Record<string, string>>;
  readonly registeredAtMs: number;
  readonly lastHeartbeatAtMs: number;
}

export type AgentChange =
  | { readonly kind: "joined"; readonly agent: AgentRecord }
  | { readonly kind: "updated"; readonly agent: AgentRecord }
  | { readonly kind: "state"; readonly agent: AgentRecord; readonly previous: AgentState }
  | { readonly kind: "availability"; readonly agent: AgentRecord }
  | { readonly kind: "left"; readonly agentId: string; readonly reason: string };

/** Read side of the registry, used by the router (routing, modalities, class) and the scheduler. */
export interface AgentDirectory {
  get(agentId: string): AgentRecord | undefined;
  list(): readonly AgentRecord[];
  /** Subscribes to joins/leaves/state changes; returns an unsubscribe function. */
  subscribe(listener: (change: AgentChange) => void): () => void;
}

export interface SubmitOptions {
  /** Explicit recipients; empty/absent = ACK-to-producer or broadcast rules (see router). */
  readonly to?: readonly string[];
  /** Messages originated by the server itself (NACKs, notifications, scheduler commands). */
  readonly system?: boolean;
}

export interface SubmitResult {
  readonly accepted: boolean;
  /** Empty when accepted; otherwise what was wrong and what to fix. */
  readonly reason: string;
  readonly code: ErrorCode;
  /** Agents the message was queued for. */
  readonly recipients: readonly string[];
}

/** The router's in-process ingress: what SendMessage does, minus gRPC. */
export interface RouterIngress {
  submit(envelope: Envelope, options?: SubmitOptions): Promise<SubmitResult>;
}

/** A component with resources to release on shutdown. */
export interface Closeable {
  close(): Promise<void>;
}

/** What every grpc-js server call (unary or stream) exposes about its caller. */
export type CallerInfo = Pick<ServerUnaryCall<unknown, unknown>, "metadata" | "getPeer" | "getAuthContext">;

/** The authenticated caller of an RPC, as established by the auth layer (auth/). */
export interface Principal {
  /** The agent id the credential was issued for; "" for a credential that is only an admin credential. */
  readonly agentId: string;
  /** Admin credentials may act as any agent and use the admin surface. */
  readonly admin: boolean;
  /** How the caller was authenticated, for logs: "jwt", "token" or "mtls". */
  readonly method: string;
}

/**
 * Authorization hook for checks that need the request body, used by components whose RPCs carry
 * identities inside the messages (e.g. each envelope on the router's streaming session).
 * When authentication is off (`enabled` false) `principal` returns undefined and every check passes.
 */
export interface CallGuard {
  readonly enabled: boolean;
  /** The caller of `call`; throws a Sw4rmError (gRPC UNAUTHENTICATED) when credentials are missing or invalid. */
  principal(call: CallerInfo): Principal | undefined;
  /**
   * undefined when `principal` may act as `agentId` (it is that agent, or an admin); otherwise a
   * PERMISSION_DENIED Sw4rmError saying who tried what. The refusal is logged with actor and reason.
   */
  checkActAs(principal: Principal | undefined, agentId: string, action: string): Sw4rmError | undefined;
}
