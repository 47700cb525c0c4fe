import { randomUUID } from "node:crypto";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import { CONTENT_TYPES } from "./constants.js";
import { Envelope, EnvelopeState, MessageType } from "./gen/index.js";
import { HybridLogicalClock } from "./hlc.js";
import { jsonBytes, utf8 } from "./json.js";
import { timestampFromMs, timestampToMs } from "./time.js";

export interface EnvelopeInit {
  readonly messageType: MessageType;
  /** Raw bytes, or a string sent as UTF-8. Use `EnvelopeFactory.json` for JSON values. */
  readonly payload?: Uint8Array | string;
  /** Defaults: application/json with no payload, application/octet-stream for bytes, text/plain for strings. */
  readonly contentType?: string;
  /** Kept across a flow (spec §11.3); generated when absent. */
  readonly correlationId?: string;
  /** Constant across retries of one logical operation. */
  readonly idempotencyToken?: string;
  /** 0 / absent = no expiry. */
  readonly ttlMs?: number | bigint;
  readonly repoId?: string;
  readonly worktreeId?: string;
  /** SW4-004: set on the first envelope that crosses a swarm boundary. */
  readonly parentCorrelationId?: string;
  readonly state?: EnvelopeState;
}

export interface EnvelopeFactoryOptions {
  readonly producerId: string;
  readonly clock?: Clock;
  /** Pass false to leave hlc_timestamp empty (HLC is optional, spec §4). */
  readonly hlc?: HybridLogicalClock | false;
  /**
   * First sequence number. Default: the clock's time in microseconds, so a restarted producer keeps
   * counting upwards without persisted state (contradiction 10: never a constant 1).
   */
  readonly sequenceStart?: bigint;
}

/**
 * Builds envelopes under the three-ID model (spec §11.3): a fresh UUIDv4 `message_id` per attempt,
 * a `correlation_id` kept across a flow, an optional `idempotency_token` kept across retries, and a
 * per-producer monotonic `sequence_number`.
 */
export class EnvelopeFactory {
  readonly producerId: string;
  readonly #clock: Clock;
  readonly #hlc: HybridLogicalClock | undefined;
  #sequence: bigint;

  constructor(options: EnvelopeFactoryOptions) {
    if (!options.producerId) throw new TypeError("producerId must be a non-empty agent id");
    this.producerId = options.producerId;
    this.#clock = options.clock ?? systemClock;
    this.#hlc =
      options.hlc === false ? undefined : (options.hlc ?? new HybridLogicalClock(options.producerId, this.#clock));
    this.#sequence = options.sequenceStart ?? BigInt(Math.floor(this.#clock.now())) * 1000n;
  }

  /** The next per-producer sequence number (strictly increasing). */
  nextSequence(): bigint {
    this.#sequence += 1n;
    return this.#sequence;
  }

  create(init: EnvelopeInit): Envelope {
    const payload = typeof init.payload === "string" ? utf8(init.payload) : (init.payload ?? new Uint8Array());
    const contentType =
      init.contentType ??
      (init.payload === undefined
        ? CONTENT_TYPES.json
        : typeof init.payload === "string"
          ? "text/plain; charset=utf-8"
          : CONTENT_TYPES.octetStream);
    const now = this.#clock.now();
    return {
      messageId: randomUUID(),
      idempotencyToken: init.idempotencyToken ?? "",
      producerId: this.producerId,
      correlationId: init.correlationId || randomUUID(),
      sequenceNumber: this.nextSequence(),
      retryCount: 0,
      messageType: init.messageType,
      contentType,
      contentLength: BigInt(payload.byteLength),
      repoId: init.repoId ?? "",
      worktreeId: init.worktreeId ?? "",
      hlcTimestamp: this.#hlc ? this.#hlc.tick() : "",
      ttlMs: BigInt(init.ttlMs ?? 0),
      timestamp: timestampFromMs(now),
      payload,
      state: init.state ?? EnvelopeState.ENVELOPE_STATE_SENT,
      parentCorrelationId: init.parentCorrelationId ?? "",
    };
  }

  /** An envelope whose payload is `value` as UTF-8 JSON (bigints as decimal strings). */
  json(messageType: MessageType, value: unknown, init: Omit<EnvelopeInit, "messageType" | "payload"> = {}): Envelope {
    return this.create({
      ...init,
      messageType,
      payload: jsonBytes(value),
      contentType: init.contentType ?? CONTENT_TYPES.json,
    });
  }

  /**
   * The next attempt of `previous`: new message_id, same correlation, token and sequence number
   * (the router's fallback dedup key is producer + sequence), retry_count + 1, fresh timestamps.
   */
  retry(previous: Envelope): Envelope {
    return {
      ...previous,
      messageId: randomUUID(),
      retryCount: previous.retryCount + 1,
      hlcTimestamp: this.#hlc ? this.#hlc.tick() : previous.hlcTimestamp,
      timestamp: timestampFromMs(this.#clock.now()),
      state: EnvelopeState.ENVELOPE_STATE_SENT,
    };
  }

  /** Merges the HLC of a received envelope so our next timestamps order after it. */
  observe(received: Envelope): void {
    if (this.#hlc && received.hlcTimestamp) {
      try {
        this.#hlc.receive(received.hlcTimestamp);
      } catch {
        // HLC is advisory (spec §24): a malformed remote value must not break receiving.
      }
    }
  }
}

/** When the envelope was created (its `timestamp`), or undefined if unset. */
export function envelopeTimeMs(envelope: Envelope): number | undefined {
  return timestampToMs(envelope.timestamp);
}

/**
 * Whether `ttl_ms` has run out at `nowMs`. The TTL counts from the envelope's own timestamp, or from
 * `admittedAtMs` when the producer sent none.
 */
export function isEnvelopeExpired(envelope: Envelope, nowMs: number, admittedAtMs?: number): boolean {
  if (envelope.ttlMs === 0n) return false;
  const start = envelopeTimeMs(envelope) ?? admittedAtMs;
  if (start === undefined) return false;
  return nowMs >= start + Number(envelope.ttlMs);
}

/** Deadline (epoch ms) after which the envelope is expired, or undefined when it never expires. */
export function envelopeExpiresAt(envelope: Envelope, admittedAtMs: number): number | undefined {
  if (envelope.ttlMs === 0n) return undefined;
  return (envelopeTimeMs(envelope) ?? admittedAtMs) + Number(envelope.ttlMs);
}

export function messageTypeName(type: MessageType): string {
  return MessageType[type] ?? `MESSAGE_TYPE_${type}`;
}

export { Envelope };
