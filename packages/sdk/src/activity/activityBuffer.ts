import {
  AckStage,
  type Clock,
  DEFAULTS,
  type Envelope,
  ErrorCode,
  isTerminalAckStage,
  type MessageType,
  Sw4rmError,
  systemClock,
} from "@sw4rm/protocol";
import { MemoryStore, type RecordStore } from "../storage/recordStore.js";

export type ActivityDirection = "in" | "out";

/** One per-envelope record (SDK extension of spec §10, doc §1.13). JSON-serialisable. */
export interface ActivityRecord {
  readonly messageId: string;
  readonly direction: ActivityDirection;
  /** idempotency_token, or `producer_id#sequence_number` when the envelope has none (router fallback key). */
  readonly dedupKey: string;
  readonly correlationId: string;
  readonly producerId: string;
  readonly messageType: MessageType;
  /** Recipients of an outgoing envelope. */
  readonly to: readonly string[];
  /** Latest ACK stage (0 = none yet). */
  readonly ackStage: AckStage;
  readonly errorCode: ErrorCode;
  readonly note: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface ActivityBufferOptions {
  /** Where records live. Default: an in-memory store (not durable). */
  readonly store?: RecordStore<ActivityRecord>;
  readonly clock?: Clock;
  /** Default 1000 records; only terminal records are pruned to make room. */
  readonly maxItems?: number;
  /** Idempotency window (spec §11.2). Default 3600 s. */
  readonly dedupWindowMs?: number;
  /** An outgoing record without a terminal ACK for this long needs a retry. Default 10 s. */
  readonly ackTimeoutMs?: number;
}

/** The dedup key of an envelope: its idempotency token, else the router's fallback (producer, sequence). */
export function dedupKeyOf(envelope: Envelope): string {
  return envelope.idempotencyToken || `${envelope.producerId}#${envelope.sequenceNumber}`;
}

/**
 * Durable record of what an agent sent and received and how far each message got (ACK stage). It
 * answers "was this logical operation already done?" (getByIdempotencyToken) and "what needs a
 * retry?" (reconcile). Every mutation is persisted before the method returns.
 */
export class PersistentActivityBuffer {
  readonly maxItems: number;
  readonly dedupWindowMs: number;
  readonly ackTimeoutMs: number;
  readonly #store: RecordStore<ActivityRecord>;
  readonly #clock: Clock;
  readonly #records: Map<string, ActivityRecord>;

  constructor(options: ActivityBufferOptions = {}) {
    this.#store = options.store ?? new MemoryStore();
    this.#clock = options.clock ?? systemClock;
    this.maxItems = options.maxItems ?? 1000;
    this.dedupWindowMs = options.dedupWindowMs ?? DEFAULTS.dedupWindowMs;
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs;
    this.#records = this.#store.load();
  }

  get size(): number {
    return this.#records.size;
  }

  get(messageId: string): ActivityRecord | undefined {
    return this.#records.get(messageId);
  }

  recordOutgoing(envelope: Envelope, to: readonly string[] = []): ActivityRecord {
    return this.#insert(envelope, "out", to);
  }

  /** Records a received envelope (stage RECEIVED). A redelivery of a known message_id returns the existing record. */
  recordIncoming(envelope: Envelope): ActivityRecord {
    return this.#insert(envelope, "in", []);
  }

  /**
   * Moves a record to `stage`. A terminal record keeps its outcome (late ACK, spec §11.1): the call
   * returns the record unchanged and `late: true`. Unknown ids return undefined.
   */
  ack(
    messageId: string,
    stage: AckStage,
    errorCode: ErrorCode = ErrorCode.ERROR_CODE_UNSPECIFIED,
    note = "",
  ): { record: ActivityRecord; late: boolean } | undefined {
    const current = this.#records.get(messageId);
    if (!current) return undefined;
    if (isTerminalAckStage(current.ackStage)) return { record: current, late: true };
    if (stage < current.ackStage && !isTerminalAckStage(stage)) return { record: current, late: false };
    const next: ActivityRecord = { ...current, ackStage: stage, errorCode, note, updatedAtMs: this.#clock.now() };
    this.#write(next);
    return { record: next, late: false };
  }

  /** Outgoing records without a terminal ACK. */
  unacked(): ActivityRecord[] {
    return [...this.#records.values()].filter((r) => r.direction === "out" && !isTerminalAckStage(r.ackStage));
  }

  /** The `n` most recently updated records, newest first. */
  recent(n = 20): ActivityRecord[] {
    return [...this.#records.values()].sort((a, b) => b.updatedAtMs - a.updatedAtMs).slice(0, n);
  }

  /** Outgoing records that need a retry: non-terminal and not updated within the ACK timeout. */
  reconcile(): ActivityRecord[] {
    const cutoff = this.#clock.now() - this.ackTimeoutMs;
    return this.unacked().filter((r) => r.updatedAtMs <= cutoff);
  }

  /** The record of a logical operation seen within the dedup window (expired entries are cleared first). */
  getByIdempotencyToken(token: string, direction: ActivityDirection = "in"): ActivityRecord | undefined {
    this.clearExpired();
    let best: ActivityRecord | undefined;
    for (const r of this.#records.values()) {
      if (r.dedupKey !== token || r.direction !== direction) continue;
      // Prefer the earliest successful completion (spec §11.1), else the latest attempt.
      if (!best || rank(r) > rank(best) || (rank(r) === rank(best) && r.createdAtMs > best.createdAtMs)) best = r;
    }
    return best;
  }

  /** Removes terminal records older than the dedup window. Returns how many were removed. */
  clearExpired(): number {
    const cutoff = this.#clock.now() - this.dedupWindowMs;
    const expired = [...this.#records.values()]
      .filter((r) => isTerminalAckStage(r.ackStage) && r.updatedAtMs < cutoff)
      .map((r) => r.messageId);
    this.#remove(expired);
    return expired.length;
  }

  close(): void {
    this.#store.close();
  }

  #insert(envelope: Envelope, direction: ActivityDirection, to: readonly string[]): ActivityRecord {
    const existing = this.#records.get(envelope.messageId);
    if (existing) return existing;
    this.#makeRoom();
    const now = this.#clock.now();
    const record: ActivityRecord = {
      messageId: envelope.messageId,
      direction,
      dedupKey: dedupKeyOf(envelope),
      correlationId: envelope.correlationId,
      producerId: envelope.producerId,
      messageType: envelope.messageType,
      to: [...to],
      ackStage: direction === "in" ? AckStage.RECEIVED : AckStage.ACK_STAGE_UNSPECIFIED,
      errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED,
      note: "",
      createdAtMs: now,
      updatedAtMs: now,
    };
    this.#write(record);
    return record;
  }

  #makeRoom(): void {
    if (this.#records.size < this.maxItems) return;
    this.clearExpired();
    const terminal = [...this.#records.values()]
      .filter((r) => isTerminalAckStage(r.ackStage))
      .sort((a, b) => a.updatedAtMs - b.updatedAtMs);
    const excess = this.#records.size - this.maxItems + 1;
    this.#remove(terminal.slice(0, Math.max(0, excess)).map((r) => r.messageId));
    if (this.#records.size >= this.maxItems)
      throw new Sw4rmError(
        ErrorCode.OVERLOADED,
        `activity buffer is full: ${this.#records.size} of ${this.maxItems} records are still in flight; wait for ACKs or raise maxItems`,
        { reason: "activity_buffer_full" },
      );
  }

  #write(record: ActivityRecord): void {
    this.#store.put(record.messageId, record);
    this.#records.set(record.messageId, record);
  }

  #remove(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.#store.delete(ids);
    for (const id of ids) this.#records.delete(id);
  }
}

function rank(r: ActivityRecord): number {
  if (r.ackStage === AckStage.FULFILLED) return 3;
  if (isTerminalAckStage(r.ackStage)) return 2;
  return 1;
}
