/**
 * The tables of MemoryRouterStore, with all-or-nothing transactions: every write inside
 * `transaction(fn)` records its inverse, and a throw from `fn` undoes them all (as a SQL rollback
 * would). Storage only; what to write is decided by memoryRouterStore.ts and rules/.
 */
import type { DedupHit } from "./rules/dedup.js";
import type { DlqEntry, Lane, MessageRecord } from "./store.js";

/** A message record; the mutable fields change only through `MemoryTables.updateMessage`. */
export interface StoredMessage extends MessageRecord {
  readonly messageType: number;
  readonly contentType: string;
  readonly payloadSize: number;
  /** The Envelope bytes exactly as admitted. */
  readonly envelope: Uint8Array;
}

type MessageChange = Partial<Pick<MessageRecord, "state" | "stateAtMs" | "pendingDeliveries" | "deadLettered">>;

/** One queued or in-flight copy (acked copies are removed). */
export interface StoredCopy {
  readonly agentId: string;
  readonly seq: bigint;
  readonly message: StoredMessage;
  readonly lane: Lane;
  readonly expiresAtMs: number | undefined;
  /** Attempts carried from earlier lives of the copy (DLQ requeue), kept if it is dead-lettered again. */
  readonly history: DlqEntry["attempts"];
}

/** A DLQ entry with what a requeue needs to recreate a pruned message record. */
export interface StoredDlqEntry {
  readonly entry: DlqEntry;
  readonly envelope: Uint8Array;
  readonly messageType: number;
}

class AgentQueue {
  readonly bySeq = new Map<bigint, StoredCopy>();
  readonly byLane = new Map<Lane, Map<bigint, StoredCopy>>();

  lane(lane: Lane): Map<bigint, StoredCopy> {
    let copies = this.byLane.get(lane);
    if (!copies) {
      copies = new Map();
      this.byLane.set(lane, copies);
    }
    return copies;
  }
}

export class MemoryTables {
  readonly #messages = new Map<string, StoredMessage>();
  readonly #dedup = new Map<string, DedupHit>();
  readonly #dlq = new Map<number, StoredDlqEntry>();
  readonly #queues = new Map<string, AgentQueue>();
  #lastSeq = 0n;
  #lastDlqId = 0;
  /** Inverses of the running transaction's writes; undefined outside a transaction. */
  #undo: (() => void)[] | undefined;

  /** Runs `fn` as one transaction: if it throws, none of its writes remain. */
  transaction<T>(fn: () => T): T {
    if (this.#undo) throw new Error("memory router store: transactions do not nest");
    const undo: (() => void)[] = [];
    this.#undo = undo;
    try {
      return fn();
    } catch (error) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
      throw error;
    } finally {
      this.#undo = undefined;
    }
  }

  #onUndo(inverse: () => void): void {
    if (!this.#undo) throw new Error("memory router store: write outside a transaction");
    this.#undo.push(inverse);
  }

  /**
   * The next seq: one counter for the whole store, so an agent's seqs increase and are never reused
   * (not even after a rollback) but are not dense, as in a shared log such as a JetStream stream.
   */
  nextSeq(): bigint {
    return ++this.#lastSeq;
  }

  get messages(): ReadonlyMap<string, StoredMessage> {
    return this.#messages;
  }

  putMessage(m: StoredMessage): void {
    if (this.#messages.has(m.messageId)) throw new Error(`message_id "${m.messageId}" is already stored`);
    this.#onUndo(() => this.#messages.delete(m.messageId));
    this.#messages.set(m.messageId, m);
  }

  updateMessage(m: StoredMessage, change: MessageChange): void {
    const mutable = m as { -readonly [K in keyof MessageChange]-?: MessageRecord[K] };
    const before = {
      state: m.state,
      stateAtMs: m.stateAtMs,
      pendingDeliveries: m.pendingDeliveries,
      deadLettered: m.deadLettered,
    };
    this.#onUndo(() => Object.assign(mutable, before));
    Object.assign(mutable, change);
  }

  deleteMessage(m: StoredMessage): void {
    if (this.#messages.get(m.messageId) !== m) return;
    this.#onUndo(() => this.#messages.set(m.messageId, m));
    this.#messages.delete(m.messageId);
  }

  get dedup(): ReadonlyMap<string, DedupHit> {
    return this.#dedup;
  }

  putDedup(key: string, hit: DedupHit): void {
    const before = this.#dedup.get(key);
    this.#onUndo(() => (before ? this.#dedup.set(key, before) : this.#dedup.delete(key)));
    this.#dedup.set(key, hit);
  }

  deleteDedup(key: string): void {
    const before = this.#dedup.get(key);
    if (!before) return;
    this.#onUndo(() => this.#dedup.set(key, before));
    this.#dedup.delete(key);
  }

  #queue(agentId: string): AgentQueue {
    let queue = this.#queues.get(agentId);
    if (!queue) {
      queue = new AgentQueue();
      this.#queues.set(agentId, queue);
    }
    return queue;
  }

  addCopy(copy: StoredCopy): void {
    const queue = this.#queue(copy.agentId);
    this.#onUndo(() => {
      queue.bySeq.delete(copy.seq);
      queue.lane(copy.lane).delete(copy.seq);
    });
    queue.bySeq.set(copy.seq, copy);
    queue.lane(copy.lane).set(copy.seq, copy);
  }

  removeCopy(copy: StoredCopy): void {
    const queue = this.#queues.get(copy.agentId);
    if (queue?.bySeq.get(copy.seq) !== copy) return;
    // Re-adding appends: readers sort by seq rather than rely on insertion order.
    this.#onUndo(() => {
      queue.bySeq.set(copy.seq, copy);
      queue.lane(copy.lane).set(copy.seq, copy);
    });
    queue.bySeq.delete(copy.seq);
    queue.lane(copy.lane).delete(copy.seq);
  }

  copy(agentId: string, seq: bigint): StoredCopy | undefined {
    return this.#queues.get(agentId)?.bySeq.get(seq);
  }

  /** Un-acked copies of the agent (queued + in flight). */
  depth(agentId: string): number {
    return this.#queues.get(agentId)?.bySeq.size ?? 0;
  }

  /** The agent's copies of `lane`, in no particular order. */
  laneCopies(agentId: string, lane: Lane): Iterable<StoredCopy> {
    return this.#queues.get(agentId)?.byLane.get(lane)?.values() ?? [];
  }

  *allCopies(): Iterable<StoredCopy> {
    for (const queue of this.#queues.values()) yield* queue.bySeq.values();
  }

  /** Agents with at least one un-acked copy, and how many. */
  depths(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [agentId, queue] of this.#queues) if (queue.bySeq.size > 0) out.set(agentId, queue.bySeq.size);
    return out;
  }

  get dlq(): ReadonlyMap<number, StoredDlqEntry> {
    return this.#dlq;
  }

  /** The next DLQ id: increasing, never reused. */
  nextDlqId(): number {
    return ++this.#lastDlqId;
  }

  putDlq(stored: StoredDlqEntry): void {
    const id = stored.entry.id;
    this.#onUndo(() => this.#dlq.delete(id));
    this.#dlq.set(id, stored);
  }

  deleteDlq(id: number): void {
    const before = this.#dlq.get(id);
    if (!before) return;
    this.#onUndo(() => this.#dlq.set(id, before));
    this.#dlq.delete(id);
  }
}
