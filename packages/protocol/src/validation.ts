import { DEFAULT_PAYLOAD_LIMITS } from "./constants.js";
import { isEnvelopeExpired, messageTypeName } from "./envelope.js";
import { type Envelope, EnvelopeState, ErrorCode, MessageType } from "./gen/index.js";

export interface EnvelopeIssue {
  readonly code: ErrorCode;
  /** The proto field name at fault, e.g. `content_length`. */
  readonly field: string;
  /** What is wrong and what to send instead. */
  readonly message: string;
}

export interface EnvelopeValidationOptions {
  /** Max payload bytes per message type; defaults to doc §4.2. */
  readonly payloadLimits?: Partial<Record<MessageType, number>>;
  /** When given, an envelope whose TTL has run out fails with TTL_EXPIRED. */
  readonly nowMs?: number;
  /** Accept envelopes without hlc_timestamp (HLC is optional). Default true. */
  readonly allowMissingHlc?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ID_LENGTH = 256;
const MIME = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;.*)?$/i;

function issue(code: ErrorCode, field: string, message: string): EnvelopeIssue {
  return { code, field, message: `${field}: ${message}` };
}

function checkId(field: string, value: string, required: boolean): EnvelopeIssue | undefined {
  if (value === "") return required ? issue(ErrorCode.VALIDATION_ERROR, field, "is required") : undefined;
  if (value.length > MAX_ID_LENGTH)
    return issue(ErrorCode.VALIDATION_ERROR, field, `must be at most ${MAX_ID_LENGTH} characters, got ${value.length}`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(value))
    return issue(ErrorCode.VALIDATION_ERROR, field, "must not contain control characters");
  return undefined;
}

/**
 * Checks an envelope against the spec's rules (doc §1.3, §4.2; spec §5.4, §11, §12) and returns the
 * first problem, naming the field, or undefined when the envelope is acceptable.
 */
export function validateEnvelope(
  envelope: Envelope,
  options: EnvelopeValidationOptions = {},
): EnvelopeIssue | undefined {
  const idIssue =
    checkId("message_id", envelope.messageId, true) ??
    checkId("producer_id", envelope.producerId, true) ??
    checkId("correlation_id", envelope.correlationId, true) ??
    checkId("idempotency_token", envelope.idempotencyToken, false) ??
    checkId("repo_id", envelope.repoId, false) ??
    checkId("worktree_id", envelope.worktreeId, false) ??
    checkId("parent_correlation_id", envelope.parentCorrelationId, false);
  if (idIssue) return idIssue;
  if (!UUID.test(envelope.messageId))
    return issue(
      ErrorCode.VALIDATION_ERROR,
      "message_id",
      `must be a UUID (new UUIDv4 per attempt), got "${envelope.messageId}"`,
    );
  if (envelope.sequenceNumber === 0n)
    return issue(ErrorCode.VALIDATION_ERROR, "sequence_number", "is required: a per-producer monotonic number >= 1");
  const type = envelope.messageType;
  if (type === MessageType.MESSAGE_TYPE_UNSPECIFIED)
    return issue(ErrorCode.VALIDATION_ERROR, "message_type", "is required (CONTROL=1 .. TOOL_ERROR=11)");
  if (MessageType[type] === undefined)
    return issue(ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "message_type", `${type} is not a known MessageType (1..11)`);
  if (EnvelopeState[envelope.state] === undefined)
    return issue(ErrorCode.VALIDATION_ERROR, "state", `${envelope.state} is not a known EnvelopeState (0..7)`);
  const size = envelope.payload.byteLength;
  if (BigInt(size) !== envelope.contentLength)
    return issue(
      ErrorCode.VALIDATION_ERROR,
      "content_length",
      `must equal the payload size in bytes (${size}), got ${envelope.contentLength}`,
    );
  if (size > 0 && envelope.contentType === "")
    return issue(ErrorCode.VALIDATION_ERROR, "content_type", "is required when a payload is present (a MIME type)");
  if (envelope.contentType !== "" && !MIME.test(envelope.contentType))
    return issue(ErrorCode.VALIDATION_ERROR, "content_type", `must be a MIME type, got "${envelope.contentType}"`);
  const limit = options.payloadLimits?.[type] ?? DEFAULT_PAYLOAD_LIMITS[type];
  if (size > limit)
    return issue(
      ErrorCode.OVERSIZE_PAYLOAD,
      "payload",
      `${size} bytes exceeds the ${limit}-byte limit for ${messageTypeName(type)} messages; send large data by reference or in chunks`,
    );
  if (options.allowMissingHlc === false && envelope.hlcTimestamp === "")
    return issue(ErrorCode.VALIDATION_ERROR, "hlc_timestamp", "is required when HLC is enabled");
  if (options.nowMs !== undefined && isEnvelopeExpired(envelope, options.nowMs))
    return issue(ErrorCode.TTL_EXPIRED, "ttl_ms", `expired before admission (ttl ${envelope.ttlMs} ms)`);
  return undefined;
}

/** Normalised MIME type for modality checks: lower-case, parameters dropped. */
export function baseContentType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Whether an agent declaring `modalities` accepts `contentType` (spec §12). Matching ignores
 * parameters and case; `type/*` and `*\/*` wildcards are honoured. An empty content type (no payload)
 * is always accepted.
 */
export function acceptsContentType(modalities: readonly string[], contentType: string): boolean {
  const ct = baseContentType(contentType);
  if (ct === "") return true;
  const major = ct.split("/")[0];
  return modalities.some((m) => {
    const mod = baseContentType(m);
    return mod === ct || mod === "*/*" || mod === `${major}/*`;
  });
}
