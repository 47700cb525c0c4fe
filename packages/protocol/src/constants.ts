import { MessageType } from "./gen/index.js";

/** Protocol version this implementation speaks. */
export const PROTOCOL_VERSION = "0.6.0";

/** Spec defaults (spec §20, doc §1.2). */
export const DEFAULTS = {
  /** Send → RECEIVED ACK timeout (spec §11, DEFAULT_ACK_TIMEOUT_MS in every SDK). */
  ackTimeoutMs: 10_000,
  /** Per-agent inbound buffer capacity (spec §13). */
  inboundBufferCapacity: 10,
  /** Task priority (spec §7.1). */
  priority: 0,
  /** Idempotency deduplication window (spec §11.2, persisted). */
  dedupWindowMs: 3_600_000,
  /** Router delivery lease before an un-acked item is redelivered (not fixed by the spec). */
  deliveryLeaseMs: 30_000,
  /** Per-call RPC deadline (OPERATIONAL_CONTRACTS normative value; doc Part 5 #24). */
  rpcDeadlineMs: 30_000,
  /** Heartbeat interval (Rust AgentConfig default). */
  heartbeatIntervalMs: 30_000,
  /** Minimum SW4-004 cancellation grace. */
  minCancelGraceMs: 5_000,
  /** SW4-004 default delegation depth. */
  maxDelegationDepth: 3,
  /** SW4-005 default redirect bound when max_redirects is 0. */
  maxRedirects: 2,
  /** Activity buffer active-entry limit per scheduler (spec §10.1). */
  activityBufferLimit: 10_000,
} as const;

export const PRIORITY_HIGHEST = -19;
export const PRIORITY_LOWEST = 20;

/** Recommended maximum payload per message type (doc §4.2); types not listed there are our choice. */
export const DEFAULT_PAYLOAD_LIMITS: Readonly<Record<MessageType, number>> = {
  [MessageType.MESSAGE_TYPE_UNSPECIFIED]: 0,
  [MessageType.CONTROL]: 64 * 1024,
  [MessageType.DATA]: 16 * 1024 * 1024,
  [MessageType.HEARTBEAT]: 4 * 1024,
  [MessageType.NOTIFICATION]: 32 * 1024,
  [MessageType.ACKNOWLEDGEMENT]: 4 * 1024,
  [MessageType.HITL_INVOCATION]: 256 * 1024,
  [MessageType.WORKTREE_CONTROL]: 64 * 1024,
  [MessageType.NEGOTIATION]: 1024 * 1024,
  [MessageType.TOOL_CALL]: 1024 * 1024,
  [MessageType.TOOL_RESULT]: 16 * 1024 * 1024,
  [MessageType.TOOL_ERROR]: 64 * 1024,
};

/** gRPC max message size the servers and clients accept: the largest payload limit plus envelope overhead. */
export const MAX_GRPC_MESSAGE_BYTES = 16 * 1024 * 1024 + 64 * 1024;

export const CONTENT_TYPES = {
  json: "application/json",
  protobuf: "application/protobuf",
  text: "text/plain",
  octetStream: "application/octet-stream",
  /** Registry join/leave/state announcements (our extension, see docs). */
  registryEvent: "application/vnd.sw4rm.registry.event+json;v=1",
  /** Scheduler task commands sent as CONTROL envelopes. */
  schedulerCommand: "application/vnd.sw4rm.scheduler.command+json;v=1",
} as const;

/** gRPC metadata keys this implementation reads or writes. */
export const METADATA = {
  correlationId: "x-correlation-id",
  /** Explicit recipients of SendMessage (comma-separated agent ids); the Envelope has no recipient field. */
  recipients: "sw4rm-to",
  /** Communication-class override for one envelope (PRIVILEGED | STANDARD | BULK or 1..3). */
  communicationClass: "sw4rm-class",
  /** Exact ErrorCode number attached to a failed call, so clients recover it losslessly. */
  errorCode: "sw4rm-error-code",
  userAgent: "sw4rm-ts/0.1",
} as const;
