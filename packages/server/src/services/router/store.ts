/**
 * The router's storage seam. Backends: SQLite (sqliteRouterStore.ts, the default; workerRouterStore.ts
 * runs it on its own thread) and memory (memoryRouterStore.ts, the reference semantics); a clustered
 * one (NATS JetStream) comes later. Each passes the same behavioural suite
 * (test/server/router/routerStoreSuite.ts). Every method is async so remote backends fit.
 *
 * Decisions that must be atomic with the write (deduplication, buffer capacity, forward-only
 * lifecycle) are made inside `commit`, in the transaction that writes the message, by the pure rule
 * modules in rules/ that every backend calls: a backend stores, it does not decide.
 */
import type { CommunicationClass, ErrorCode, MessageLifecycleState } from "@sw4rm/protocol";

/** A delivery lane (spec §1.9): the communication class the copy is queued under. */
export type Lane = CommunicationClass.PRIVILEGED | CommunicationClass.STANDARD | CommunicationClass.BULK;

export interface AdmitItem {
  readonly messageId: string;
  readonly producerId: string;
  readonly correlationId: string;
  /** Empty = none. */
  readonly idempotencyToken: string;
  readonly sequenceNumber: bigint;
  readonly retryCount: number;
  readonly messageType: number;
  readonly contentType: string;
  /** The Envelope exactly as received (protobuf bytes); deliveries re-decode these. */
  readonly envelope: Uint8Array;
  readonly payloadSize: number;
  readonly recipients: readonly string[];
  readonly lane: Lane;
  readonly admittedAtMs: number;
  /** Absolute expiry (ms since epoch) from ttl_ms, undefined = never. */
  readonly expiresAtMs?: number;
  /** Per-recipient limit on queued + in-flight copies; undefined = unlimited (system messages). */
  readonly capacity?: number;
  readonly dedupWindowMs: number;
  /** For ACKNOWLEDGEMENT envelopes: the lifecycle update they carry for the acknowledged message. */
  readonly ackFor?: { readonly messageId: string; readonly state: MessageLifecycleState };
}

export interface QueuedDelivery {
  readonly agentId: string;
  readonly seq: bigint;
}

export type AdmitOutcome =
  | { readonly kind: "accepted"; readonly deliveries: readonly QueuedDelivery[] }
  | {
      readonly kind: "duplicate";
      /** true = the original is still queued/in flight (ALREADY_IN_PROGRESS). */
      readonly inProgress: boolean;
      readonly originalMessageId: string;
      /** DELIVERED, DEAD_LETTERED, a lifecycle state name, or IN_FLIGHT. */
      readonly originalStatus: string;
      readonly cachedAtMs: number;
    }
  | { readonly kind: "buffer_full"; readonly agents: readonly string[]; readonly capacity: number };

export interface LaneHead {
  readonly lane: Lane;
  /** Admission order within the recipient's queue (its seq); smaller = older. */
  readonly order: bigint;
}

/** A queued copy as read from the store (leases and attempt counts are kept by the router in memory). */
export interface Delivery {
  readonly agentId: string;
  readonly seq: bigint;
  readonly messageId: string;
  readonly producerId: string;
  readonly correlationId: string;
  readonly lane: Lane;
  /** The Envelope bytes exactly as admitted. */
  readonly envelope: Uint8Array;
  readonly expiresAtMs: number | undefined;
}

export interface AckItem {
  readonly agentId: string;
  readonly seq: bigint;
  readonly messageId: string;
  readonly outcome: "delivered" | "permanent_failure";
  /** Delivery attempts the router saw (kept with a dead-lettered copy). */
  readonly attempts?: readonly DlqAttempt[];
}

export interface DlqAttempt {
  readonly atMs: number;
  readonly event: string;
  readonly reason: string;
}

/** A dead-letter entry (spec §21.1). */
export interface DlqEntry {
  readonly id: number;
  readonly messageId: string;
  readonly agentId: string;
  readonly producerId: string;
  readonly correlationId: string;
  readonly lane: Lane;
  readonly errorCode: ErrorCode;
  readonly error: string;
  readonly attempts: readonly DlqAttempt[];
  readonly createdAtMs: number;
  readonly failedAtMs: number;
  readonly payloadSize: number;
  readonly contentType: string;
  /** First 256 payload bytes: UTF-8 text when it decodes cleanly, else `base64:<...>`. */
  readonly excerpt: string;
}

/** All given conditions apply (see rules/deadLetter.ts matchesDlqFilter); results are in id order. */
export interface DlqFilter {
  readonly agentId?: string;
  readonly errorCode?: ErrorCode;
  /** failedAtMs >= fromMs. */
  readonly fromMs?: number;
  /** failedAtMs < toMs. */
  readonly toMs?: number;
  /** Most entries returned (default 1000, clamped to 1..10000; see rules/deadLetter.ts dlqPageSize). */
  readonly limit?: number;
  /** Return entries with id > afterId (paging). */
  readonly afterId?: number;
}

export interface MessageRecord {
  readonly messageId: string;
  readonly producerId: string;
  readonly correlationId: string;
  readonly state: MessageLifecycleState;
  readonly stateAtMs: number;
  readonly admittedAtMs: number;
  readonly lane: Lane;
  readonly recipients: readonly string[];
  /** Copies not yet acked or dead-lettered. */
  readonly pendingDeliveries: number;
  readonly deadLettered: boolean;
}

export type AckResult = "recorded" | "unknown";

/** Key of one copy in a `leased` set (see RouterStore.expireDue). */
export function leaseKey(agentId: string, seq: bigint): string {
  return `${agentId}\u0000${seq}`;
}

export interface CommitBatch {
  readonly admits: readonly AdmitItem[];
  readonly acks: readonly AckItem[];
}

export interface CommitResult {
  /** One outcome per admit, in input order. */
  readonly admitted: AdmitOutcome[];
  /** One result per ack, in input order. */
  readonly acked: AckResult[];
}

/** commit() and wait until durable: what admit()/ackBatch() are for every backend. */
export async function commitDurably(store: RouterStore, batch: CommitBatch, nowMs: number): Promise<CommitResult> {
  const { results, durable } = await store.commit(batch, nowMs);
  await durable;
  return results;
}

/** Most copies one expireDue call dead-letters (the sweep runs again for the rest). */
export const EXPIRE_BATCH = 1000;

/**
 * Queue state. Every mutating method commits before it resolves, and is durable at the backend's
 * configured level once it resolves (commit(): once `durable` resolves); reads never write. Leases are
 * not stored: they live in the router's memory, so after a restart a copy that was in flight is simply
 * queued and delivered again with its seq, which is exactly the redelivery the protocol requires.
 * A seq is per agent, increases with admission order and is never reused; backends need not make
 * seqs dense.
 */
export interface RouterStore {
  /**
   * Commits admissions and acks in ONE transaction (admits first, so a batch can ack nothing it admits)
   * and resolves once they are visible. `durable` resolves once they are durable at the configured level
   * (for SQLite's default: the WAL is fsynced); nothing may be reported to a client before that. Each
   * admission is decided by rules/admit.ts admitRefusal. If the commit fails, nothing of it is applied.
   */
  commit(batch: CommitBatch, nowMs: number): Promise<{ readonly results: CommitResult; readonly durable: Promise<void> }>;
  /** commit() of admissions only, resolved once durable; outcomes are in input order. */
  admit(items: readonly AdmitItem[], nowMs: number): Promise<AdmitOutcome[]>;
  /** Up to `limit` copies of `lane` queued for the agent with seq > afterSeq, in seq order. */
  readQueued(agentId: string, lane: Lane, afterSeq: bigint, limit: number): Promise<Delivery[]>;
  /**
   * commit() of delivery acks only, resolved once durable (results in input order): DELIVERED removes
   * the copy, PERMANENT_FAILURE dead-letters it. A copy that does not exist (already acked, another
   * agent's, a different message_id) → "unknown".
   */
  ackBatch(items: readonly AckItem[], nowMs: number): Promise<AckResult[]>;
  /** Moves the queued copy (agentId, seq) into the DLQ; undefined when there is no such copy. */
  deadLetter(
    agentId: string,
    seq: bigint,
    code: ErrorCode,
    reason: string,
    nowMs: number,
    attempts?: readonly DlqAttempt[],
  ): Promise<DlqEntry | undefined>;
  /**
   * Dead-letters copies whose expiry has passed (TTL sweep): of the EXPIRE_BATCH earliest-expiring
   * ones, all except those in `leased` (keys from `leaseKey`: copies in flight under a live lease,
   * whose consumer may still ack them).
   */
  expireDue(nowMs: number, code: ErrorCode, reason: string, leased?: ReadonlySet<string>): Promise<DlqEntry[]>;
  producerOf(messageId: string): Promise<string | undefined>;
  message(messageId: string): Promise<MessageRecord | undefined>;
  messagesByCorrelation(correlationId: string): Promise<MessageRecord[]>;
  /** Queued + in-flight copies per agent (un-acked). */
  queueDepths(): Promise<Map<string, number>>;
  dlqList(filter: DlqFilter): Promise<DlqEntry[]>;
  /** Moves entries back into their recipient's queue as fresh deliveries (new seq, no expiry). */
  dlqRequeue(ids: readonly number[], nowMs: number): Promise<QueuedDelivery[]>;
  dlqPurge(filter: DlqFilter): Promise<number>;
  /**
   * Drops dedup entries outside the window and message records whose copies are all settled and that
   * were admitted before the window (rules/dedup.ts); returns how many were dropped.
   */
  prune(nowMs: number, windowMs: number): Promise<number>;
  close(): Promise<void>;
}
