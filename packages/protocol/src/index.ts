export type { AckInit } from "./ack.js";
export { ackStageName, buildAckEnvelope, isTerminalAckStage, parseAck } from "./ack.js";
export type { ResolvedAddress, ServiceEndpoint, ServiceName } from "./addresses.js";
export {
  ADMIN_HTTP_PORT,
  normalizeAddress,
  resolveServiceAddress,
  SERVICE_ENDPOINTS,
  SERVICE_NAMES,
} from "./addresses.js";
export * from "./algorithms/index.js";
export type { Clock, TimerHandle } from "./clock.js";
export { ManualClock, sleep, systemClock } from "./clock.js";
export {
  CONTENT_TYPES,
  DEFAULT_PAYLOAD_LIMITS,
  DEFAULTS,
  MAX_GRPC_MESSAGE_BYTES,
  METADATA,
  PRIORITY_HIGHEST,
  PRIORITY_LOWEST,
  PROTOCOL_VERSION,
} from "./constants.js";
export type { EnvelopeFactoryOptions, EnvelopeInit } from "./envelope.js";
export {
  EnvelopeFactory,
  envelopeExpiresAt,
  envelopeTimeMs,
  isEnvelopeExpired,
  messageTypeName,
} from "./envelope.js";
export type { Sw4rmErrorOptions } from "./errors.js";
export {
  errorCodeFromGrpcStatus,
  errorCodeFromString,
  errorCodeName,
  GrpcStatus,
  grpcStatusFromErrorCode,
  isRetryableStatus,
  Sw4rmError,
  validationError,
} from "./errors.js";
export * from "./gen/index.js";
/** Extension services of this implementation (not in the canonical contract): the router's streaming fast path. */
export * as routerSession from "./gen/ext/router_session.js";
export type { HlcTimestamp } from "./hlc.js";
export { compareHlc, formatHlc, HybridLogicalClock, parseHlc } from "./hlc.js";
export { fromUtf8, jsonBytes, parseJsonBytes, utf8 } from "./json.js";
export type { MessageLifecycleState, StateTimeout, WorktreeState } from "./lifecycles.js";
export {
  AGENT_STATE_TIMEOUTS,
  acceptsTasks,
  agentLifecycle,
  envelopeStateOf,
  messageLifecycle,
  stateTimeoutFor,
  TERMINAL_MESSAGE_STATES,
  WORKTREE_STATE_NUMBERS,
  worktreeLifecycle,
} from "./lifecycles.js";
export type { IdempotencyRefusal, Refusal } from "./refusal.js";
export { formatIdempotencyRefusal, formatRefusal, parseRefusal, refusalCodeText } from "./refusal.js";
export { StateMachine } from "./stateMachine.js";
export { isoFromMs, timestampFromMs, timestampToMs } from "./time.js";
export type { EnvelopeIssue, EnvelopeValidationOptions } from "./validation.js";
export { acceptsContentType, baseContentType, validateEnvelope } from "./validation.js";
