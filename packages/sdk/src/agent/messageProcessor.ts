import {
  AckStage,
  ackStageName,
  buildAckEnvelope,
  type Clock,
  type Envelope,
  type EnvelopeFactory,
  ErrorCode,
  errorCodeName,
  MessageType,
  messageTypeName,
  Sw4rmError,
  systemClock,
  validateEnvelope,
} from "@sw4rm/protocol";
import { componentLogger, type Logger, silentLogger } from "../logger.js";
import { ReceivedMessage } from "./receivedMessage.js";

export type MessageHandler = (message: ReceivedMessage) => unknown;

/** The result of processing one envelope: the terminal ACK that was (or would be) sent. */
export interface ProcessOutcome {
  readonly stage: AckStage;
  readonly errorCode: ErrorCode;
  readonly note: string;
  /** The handler's return value (FULFILLED only). */
  readonly result?: unknown;
}

export interface MessageProcessorOptions {
  /** Builds the ACK envelopes (its producer id is this agent). */
  readonly factory: EnvelopeFactory;
  /** Sends an ACK envelope to the producer of `original`. */
  readonly sendAck: (ack: Envelope, original: Envelope) => Promise<void>;
  /** Called (and awaited) with the outcome before the terminal ACK is sent: make it durable here. */
  readonly recordOutcome?: (envelope: Envelope, outcome: ProcessOutcome) => void | Promise<void>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Signal passed to handlers. */
  readonly signal?: AbortSignal;
}

/** Codes that mean "refused" (REJECTED) rather than "tried and failed" (FAILED), spec §1.4. */
const REJECTING = new Set<ErrorCode>([
  ErrorCode.VALIDATION_ERROR,
  ErrorCode.PERMISSION_DENIED,
  ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
  ErrorCode.OVERSIZE_PAYLOAD,
  ErrorCode.BUFFER_FULL,
  ErrorCode.OVERLOADED,
  ErrorCode.TTL_EXPIRED,
  ErrorCode.DUPLICATE_DETECTED,
  ErrorCode.ALREADY_IN_PROGRESS,
  ErrorCode.REDIRECT,
]);

const MAX_NOTE = 1024;

/** The ACK note carrying a handler's result: strings as-is, other values as JSON, capped at 1 KiB. */
export function noteOf(result: unknown): string {
  if (result === undefined || result === null) return "";
  const text =
    typeof result === "string"
      ? result
      : JSON.stringify(result, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return text.length > MAX_NOTE ? `${text.slice(0, MAX_NOTE - 1)}…` : text;
}

/** The terminal outcome for an error a handler threw (Sw4rmError chooses the code). */
export function outcomeOfError(error: unknown): ProcessOutcome {
  const e = Sw4rmError.from(error);
  const stage = REJECTING.has(e.code) ? AckStage.REJECTED : AckStage.FAILED;
  return { stage, errorCode: e.code, note: e.reason ? `${e.reason}: ${e.message}` : e.message };
}

/**
 * Dispatches envelopes to handlers by MessageType with the ACK lifecycle (spec §11, doc §1.4): READ
 * after validation, then FULFILLED with the handler's result, or REJECTED/FAILED with an ErrorCode.
 * ACKNOWLEDGEMENT envelopes are dispatched without ACKs of their own.
 */
export class MessageProcessor {
  readonly #handlers = new Map<MessageType, MessageHandler>();
  #default: MessageHandler | undefined;
  readonly #o: MessageProcessorOptions;
  readonly #logger: Logger;

  constructor(options: MessageProcessorOptions) {
    this.#o = options;
    this.#logger = componentLogger(options.logger ?? silentLogger, "message_processor");
  }

  registerHandler(type: MessageType, handler: MessageHandler): this {
    this.#handlers.set(type, handler);
    return this;
  }

  setDefaultHandler(handler: MessageHandler | undefined): this {
    this.#default = handler;
    return this;
  }

  hasHandler(type: MessageType): boolean {
    return this.#handlers.has(type) || this.#default !== undefined;
  }

  async processMessage(envelope: Envelope, signal?: AbortSignal): Promise<ProcessOutcome> {
    const isAck = envelope.messageType === MessageType.ACKNOWLEDGEMENT;
    const issue = validateEnvelope(envelope, { nowMs: (this.#o.clock ?? systemClock).now() });
    if (issue)
      return this.#finish(envelope, { stage: AckStage.REJECTED, errorCode: issue.code, note: issue.message }, isAck);
    const handler = this.#handlers.get(envelope.messageType) ?? this.#default;
    if (!handler)
      return this.#finish(
        envelope,
        {
          stage: AckStage.REJECTED,
          errorCode: ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
          note: `no handler for ${messageTypeName(envelope.messageType)}`,
        },
        isAck,
      );
    if (!isAck) await this.#ack(envelope, AckStage.READ, ErrorCode.ERROR_CODE_UNSPECIFIED, "", false);
    let outcome: ProcessOutcome;
    try {
      const result = await handler(new ReceivedMessage(envelope, signal ?? this.#o.signal));
      outcome = {
        stage: AckStage.FULFILLED,
        errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED,
        note: noteOf(result),
        result,
      };
    } catch (error) {
      outcome = outcomeOfError(error);
      this.#logger.warn(
        {
          message_id: envelope.messageId,
          correlation_id: envelope.correlationId,
          error_code: errorCodeName(outcome.errorCode),
          note: outcome.note,
        },
        "handler failed",
      );
    }
    return this.#finish(envelope, outcome, isAck);
  }

  async #finish(envelope: Envelope, outcome: ProcessOutcome, isAck: boolean): Promise<ProcessOutcome> {
    await this.#o.recordOutcome?.(envelope, outcome);
    if (!isAck) await this.#ack(envelope, outcome.stage, outcome.errorCode, outcome.note, true);
    return outcome;
  }

  /** Sends one ACK stage for `envelope`. Terminal ACK failures propagate (the delivery stays un-acked). */
  async #ack(
    envelope: Envelope,
    stage: AckStage,
    errorCode: ErrorCode,
    note: string,
    terminal: boolean,
  ): Promise<void> {
    const ack = buildAckEnvelope(this.#o.factory, { ackFor: envelope, stage, errorCode, note });
    try {
      await this.#o.sendAck(ack, envelope);
    } catch (error) {
      if (terminal) throw error;
      this.#logger.warn(
        { message_id: envelope.messageId, stage: ackStageName(stage), err: error },
        "could not send ACK",
      );
    }
  }
}
