import { CONTENT_TYPES } from "./constants.js";
import type { EnvelopeFactory } from "./envelope.js";
import { errorCodeFromString, Sw4rmError } from "./errors.js";
import { Ack, AckStage, type Envelope, ErrorCode, MessageType } from "./gen/index.js";
import { parseJsonBytes } from "./json.js";
import { baseContentType } from "./validation.js";

export interface AckInit {
  /** The envelope (or its message_id) being acknowledged. */
  readonly ackFor: Envelope | string;
  readonly stage: AckStage;
  readonly errorCode?: ErrorCode;
  readonly note?: string;
  /** Defaults to the acknowledged envelope's correlation_id (responses echo it, spec §11). */
  readonly correlationId?: string;
}

/**
 * An ACKNOWLEDGEMENT envelope as the upstream SDKs send it: application/json payload
 * `{ack_for_message_id, ack_stage, error_code, note}` with numeric enum values (doc §1.4).
 */
export function buildAckEnvelope(factory: EnvelopeFactory, init: AckInit): Envelope {
  const target = typeof init.ackFor === "string" ? undefined : init.ackFor;
  const ackFor = typeof init.ackFor === "string" ? init.ackFor : init.ackFor.messageId;
  const body = {
    ack_for_message_id: ackFor,
    ack_stage: init.stage,
    error_code: init.errorCode ?? ErrorCode.ERROR_CODE_UNSPECIFIED,
    note: init.note ?? "",
  };
  return factory.json(MessageType.ACKNOWLEDGEMENT, body, {
    correlationId: init.correlationId ?? target?.correlationId,
    contentType: CONTENT_TYPES.json,
  });
}

function enumValue<E extends number>(
  value: unknown,
  names: Record<string, unknown>,
  field: string,
  prefixes: readonly string[],
): E {
  if (typeof value === "number" && Number.isInteger(value) && typeof names[value] === "string") return value as E;
  if (typeof value === "string") {
    let key = value.trim().toUpperCase();
    if (/^\d+$/.test(key)) return enumValue(Number(key), names, field, prefixes);
    for (const p of prefixes) if (key.startsWith(p) && typeof names[key] !== "number") key = key.slice(p.length);
    const n = names[key];
    if (typeof n === "number") return n as E;
  }
  if (value === undefined || value === null) return 0 as E;
  throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, `ACK ${field} has an unknown value: ${JSON.stringify(value)}`, {
    field,
  });
}

function stageFrom(value: unknown): AckStage {
  return enumValue<AckStage>(value, AckStage as unknown as Record<string, unknown>, "ack_stage", [
    "ACK_STAGE_",
    "ENVELOPE_STATE_",
  ]);
}

function errorCodeFrom(value: unknown): ErrorCode {
  if (typeof value === "string" && value.trim() !== "") {
    const code = errorCodeFromString(value);
    if (code !== undefined) return code;
  }
  return enumValue<ErrorCode>(value, ErrorCode as unknown as Record<string, unknown>, "error_code", ["ERROR_CODE_"]);
}

/**
 * Reads the Ack carried by an ACKNOWLEDGEMENT envelope, liberally (doc Part 5 #8): JSON with numeric
 * or named enums in any case (`3`, `"FULFILLED"`, `"fulfilled"`, `"buffer_full"`), camelCase keys,
 * or a protobuf-encoded `sw4rm.common.Ack` when the content type is application/protobuf.
 */
export function parseAck(envelope: Envelope): Ack {
  if (envelope.messageType !== MessageType.ACKNOWLEDGEMENT)
    throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "message_type: not an ACKNOWLEDGEMENT envelope", {
      field: "message_type",
    });
  const ct = baseContentType(envelope.contentType);
  if (ct === CONTENT_TYPES.protobuf || ct === "application/x-protobuf") {
    try {
      return Ack.decode(envelope.payload);
    } catch (cause) {
      throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "payload: not a valid protobuf sw4rm.common.Ack", {
        field: "payload",
        cause,
      });
    }
  }
  let body: unknown;
  try {
    body = parseJsonBytes(envelope.payload);
  } catch (cause) {
    throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "payload: ACK payload is not valid UTF-8 JSON", {
      field: "payload",
      cause,
    });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "payload: ACK payload must be a JSON object", {
      field: "payload",
    });
  const o = body as Record<string, unknown>;
  const ackFor = o.ack_for_message_id ?? o.ackForMessageId;
  if (typeof ackFor !== "string" || ackFor === "")
    throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "ack_for_message_id: is required in an ACK payload", {
      field: "ack_for_message_id",
    });
  const note = o.note;
  return {
    ackForMessageId: ackFor,
    ackStage: stageFrom(o.ack_stage ?? o.ackStage ?? o.stage),
    errorCode: errorCodeFrom(o.error_code ?? o.errorCode),
    note: typeof note === "string" ? note : note === undefined || note === null ? "" : JSON.stringify(note),
  };
}

const TERMINAL_STAGES = new Set<AckStage>([AckStage.FULFILLED, AckStage.REJECTED, AckStage.FAILED, AckStage.TIMED_OUT]);

export function isTerminalAckStage(stage: AckStage): boolean {
  return TERMINAL_STAGES.has(stage);
}

export function ackStageName(stage: AckStage): string {
  return AckStage[stage] ?? `ACK_STAGE_${stage}`;
}
