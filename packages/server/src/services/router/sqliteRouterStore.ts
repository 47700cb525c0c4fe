/**
 * The embedded RouterStore: one SQLite file in WAL mode. Durability: "FULL" by default, so `admit`
 * resolving means the batch is fsynced and survives power loss, not only a crash. Storage only: the
 * admission decisions and lifecycle order come from rules/ (the same for every backend).
 */
import { join } from "node:path";
import type { ErrorCode, MessageLifecycleState } from "@sw4rm/protocol";
import type Database from "better-sqlite3";
import { openDatabase } from "../../storage/sqlite.js";
import { type AdmitReads, admitRefusal } from "./rules/admit.js";
import { CONSUMER_REJECTED } from "./rules/deadLetter.js";
import { dedupCutoff, dedupKey } from "./rules/dedup.js";
import { ADMITTED_STATE, advancesLifecycle } from "./rules/lifecycle.js";
import { deadLetterRow, dlqList, dlqPurge, dlqRequeue } from "./sqliteDlq.js";
import { type Prepare, statementCache } from "../../storage/statements.js";
import { WalSyncer } from "../../storage/walSync.js";
import { type DeliveryRow, type MessageRow, migrateRouterSchema, STATUS_QUEUED } from "./sqliteSchema.js";
import type {
  AckItem,
  AckResult,
  CommitBatch,
  CommitResult,
  AdmitItem,
  AdmitOutcome,
  Delivery,
  DlqAttempt,
  DlqEntry,
  DlqFilter,
  Lane,
  MessageRecord,
  QueuedDelivery,
  RouterStore,
} from "./store.js";
import { commitDurably, EXPIRE_BATCH, leaseKey } from "./store.js";

export interface SqliteRouterStoreOptions {
  /**
   * FULL (default): every commit is fsynced, so a resolved `admit`/`ackBatch` survives power loss.
   * NORMAL: commits reach the OS but are fsynced only at checkpoints, so they survive a process crash
   * (kill -9) but the last ones may be lost on power loss or an OS crash.
   */
  readonly synchronous?: "FULL" | "NORMAL";
}

/** File name of the router database inside a data dir. */
export const ROUTER_DB_FILE = "router.sqlite";

const JOINED = `SELECT d.rowid AS rid, d.*, m.envelope, m.producer_id, m.correlation_id, m.message_type,
  m.content_type, m.payload_size, m.admitted_at FROM deliveries d JOIN messages m ON m.message_id = d.message_id`;

function toDelivery(row: DeliveryRow): Delivery {
  return {
    agentId: row.agent_id,
    seq: BigInt(row.seq),
    messageId: row.message_id,
    producerId: row.producer_id,
    correlationId: row.correlation_id,
    lane: row.lane as Lane,
    envelope: new Uint8Array(row.envelope.buffer, row.envelope.byteOffset, row.envelope.byteLength),
    expiresAtMs: row.expires_at ?? undefined,
  };
}

function toRecord(row: MessageRow): MessageRecord {
  return {
    messageId: row.message_id,
    producerId: row.producer_id,
    correlationId: row.correlation_id,
    state: row.state as MessageLifecycleState,
    stateAtMs: row.state_at,
    admittedAtMs: row.admitted_at,
    lane: row.lane as Lane,
    recipients: JSON.parse(row.recipients) as string[],
    pendingDeliveries: row.pending,
    deadLettered: row.dead === 1,
  };
}

export class SqliteRouterStore implements RouterStore {
  readonly file: string;
  readonly #db: Database.Database;
  readonly #prep: Prepare;
  /**
   * Un-acked copies per agent (queued + in flight), loaded lazily with COUNT and then maintained, so
   * the capacity check does not count a long queue on every admission. This store is the only writer.
   */
  readonly #depths = new Map<string, number>();
  /** Depth changes of the running transaction, applied to #depths only once it commits. */
  readonly #delta = new Map<string, number>();
  /** FULL durability: fsync of the WAL after commits, off the main thread (see storage/walSync.ts). */
  readonly #syncer: WalSyncer | undefined;
  /** What rules/admit.ts asks before each admission, answered inside the running transaction. */
  readonly #reads: AdmitReads = {
    dedupEntry: (key) => {
      const row = this.#prep("SELECT message_id, created_at FROM dedup WHERE key = ?").get(key) as
        | { message_id: string; created_at: number }
        | undefined;
      return row && { messageId: row.message_id, createdAtMs: row.created_at };
    },
    originalRecord: (messageId) => {
      const m = this.#prep("SELECT state, pending, dead FROM messages WHERE message_id = ?").get(messageId) as
        | Pick<MessageRow, "state" | "pending" | "dead">
        | undefined;
      return m && {
        state: m.state as MessageLifecycleState,
        pendingDeliveries: m.pending,
        deadLettered: m.dead === 1,
      };
    },
    depth: (agentId) => this.#depth(agentId),
  };

  constructor(file: string, options: SqliteRouterStoreOptions = {}) {
    this.file = file;
    // NORMAL at the SQLite level in both modes; FULL adds the WalSyncer's fsync before answers.
    this.#db = openDatabase(file, { synchronous: "NORMAL" });
    this.#syncer = (options.synchronous ?? "FULL") === "FULL" ? new WalSyncer(file) : undefined;
    try {
      migrateRouterSchema(this.#db, file);
    } catch (cause) {
      this.#db.close();
      throw cause;
    }
    this.#prep = statementCache(this.#db);
  }

  static inDir(dataDir: string, options?: SqliteRouterStoreOptions): SqliteRouterStore {
    return new SqliteRouterStore(join(dataDir, ROUTER_DB_FILE), options);
  }

  /** Durability of everything committed so far (see WalSyncer). */
  #durable(): Promise<void> {
    return this.#syncer ? this.#syncer.durable(this.#syncer.committed()) : Promise.resolve();
  }

  /** #tx, then wait until the commit is durable. */
  async #txDurable<T>(fn: () => T): Promise<T> {
    const out = this.#tx(fn);
    await this.#durable();
    return out;
  }

  /** Runs `fn` in one transaction and applies its depth changes after the commit. */
  #tx<T>(fn: () => T): T {
    this.#delta.clear();
    this.#seqTouched.clear();
    try {
      const out = this.#db.transaction(() => {
        const result = fn();
        this.#writeSeqs();
        return result;
      })();
      for (const [agentId, d] of this.#delta) {
        const cur = this.#depths.get(agentId);
        if (cur !== undefined) this.#depths.set(agentId, cur + d);
      }
      return out;
    } finally {
      this.#delta.clear();
    }
  }

  #adjust(agentId: string, by: number): void {
    this.#delta.set(agentId, (this.#delta.get(agentId) ?? 0) + by);
  }

  /** Committed depth plus this transaction's changes. */
  #depth(agentId: string): number {
    const pending = this.#delta.get(agentId) ?? 0;
    let base = this.#depths.get(agentId);
    if (base === undefined) {
      // COUNT inside a transaction sees its own uncommitted rows; subtract them to cache the committed value.
      const n = (this.#prep("SELECT COUNT(*) AS n FROM deliveries WHERE agent_id = ?").get(agentId) as { n: number }).n;
      base = n - pending;
      this.#depths.set(agentId, base);
    }
    return base + pending;
  }

  /** Last seq per agent, cached; the running transaction's new values are written once at its end. */
  readonly #seqs = new Map<string, number>();
  readonly #seqTouched = new Set<string>();

  #nextSeq = (agentId: string): number => {
    let last = this.#seqs.get(agentId);
    if (last === undefined) {
      const row = this.#prep("SELECT last_seq FROM agent_seq WHERE agent_id = ?").get(agentId) as
        | { last_seq: number }
        | undefined;
      last = row?.last_seq ?? 0;
    }
    // A rolled-back transaction leaves a gap in the cached counter: harmless, a seq is never reused.
    this.#seqs.set(agentId, last + 1);
    this.#seqTouched.add(agentId);
    return last + 1;
  };

  #writeSeqs(): void {
    const upsert = this.#prep(
      `INSERT INTO agent_seq (agent_id, last_seq) VALUES (?, ?)
       ON CONFLICT(agent_id) DO UPDATE SET last_seq = excluded.last_seq`,
    );
    for (const agentId of this.#seqTouched) upsert.run(agentId, this.#seqs.get(agentId));
    this.#seqTouched.clear();
  }

  #admitOne(item: AdmitItem, nowMs: number): AdmitOutcome {
    const key = dedupKey(item);
    const refused = admitRefusal(item, key, nowMs, this.#reads);
    if (refused) return refused;
    this.#prep(
      `INSERT INTO messages (message_id, producer_id, correlation_id, idempotency_token, sequence_number, message_type,
        content_type, payload_size, envelope, lane, recipients, admitted_at, state, state_at, pending)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ).run(
      item.messageId,
      item.producerId,
      item.correlationId,
      item.idempotencyToken,
      item.sequenceNumber.toString(),
      item.messageType,
      item.contentType,
      item.payloadSize,
      item.envelope,
      item.lane,
      JSON.stringify(item.recipients),
      item.admittedAtMs,
      ADMITTED_STATE,
      nowMs,
      item.recipients.length,
    );
    const insert = this.#prep(
      `INSERT INTO deliveries (agent_id, seq, message_id, lane, status, enqueued_at, expires_at) VALUES (?,?,?,?,?,?,?)`,
    );
    const deliveries: QueuedDelivery[] = item.recipients.map((agentId) => {
      const seq = this.#nextSeq(agentId);
      insert.run(agentId, seq, item.messageId, item.lane, STATUS_QUEUED, nowMs, item.expiresAtMs ?? null);
      this.#adjust(agentId, 1);
      return { agentId, seq: BigInt(seq) };
    });
    this.#prep(
      `INSERT INTO dedup (key, message_id, created_at) VALUES (?,?,?)
       ON CONFLICT(key) DO UPDATE SET message_id = excluded.message_id, created_at = excluded.created_at`,
    ).run(key, item.messageId, nowMs);
    if (item.ackFor) {
      const cur = this.#prep("SELECT state FROM messages WHERE message_id = ?").get(item.ackFor.messageId) as
        | { state: MessageLifecycleState }
        | undefined;
      if (cur && advancesLifecycle(cur.state, item.ackFor.state))
        this.#prep("UPDATE messages SET state = ?, state_at = ? WHERE message_id = ?").run(
          item.ackFor.state,
          nowMs,
          item.ackFor.messageId,
        );
    }
    return { kind: "accepted", deliveries };
  }

  async commit(batch: CommitBatch, nowMs: number): Promise<{ results: CommitResult; durable: Promise<void> }> {
    const results = this.#tx(
      (): CommitResult => ({
        admitted: batch.admits.map((item) => this.#admitOne(item, nowMs)),
        acked: batch.acks.map((item) => this.#ackOne(item, nowMs)),
      }),
    );
    return { results, durable: this.#durable() };
  }

  async admit(items: readonly AdmitItem[], nowMs: number): Promise<AdmitOutcome[]> {
    return (await commitDurably(this, { admits: items, acks: [] }, nowMs)).admitted;
  }

  async readQueued(agentId: string, lane: Lane, afterSeq: bigint, limit: number): Promise<Delivery[]> {
    const rows = this.#prep(`${JOINED} WHERE d.agent_id = ? AND d.lane = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`).all(
      agentId,
      lane,
      afterSeq > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(afterSeq),
      limit,
    ) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  #row(agentId: string, seq: bigint): DeliveryRow | undefined {
    if (seq <= 0n || seq > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return this.#prep(`${JOINED} WHERE d.agent_id = ? AND d.seq = ?`).get(agentId, Number(seq)) as
      | DeliveryRow
      | undefined;
  }

  #deadLetter(row: DeliveryRow, code: ErrorCode, reason: string, nowMs: number, attempts?: readonly DlqAttempt[]) {
    this.#adjust(row.agent_id, -1);
    return deadLetterRow(this.#prep, row, code, reason, nowMs, attempts);
  }

  #ackOne(item: AckItem, nowMs: number): AckResult {
    if (item.seq <= 0n || item.seq > BigInt(Number.MAX_SAFE_INTEGER)) return "unknown";
    if (item.outcome === "permanent_failure") {
      const row = this.#row(item.agentId, item.seq);
      if (!row || row.message_id !== item.messageId) return "unknown";
      this.#deadLetter(row, CONSUMER_REJECTED.code, CONSUMER_REJECTED.reason, nowMs, item.attempts);
      return "recorded";
    }
    // One statement: only this agent's copy with exactly this message id is removed.
    const removed = this.#prep("DELETE FROM deliveries WHERE agent_id = ? AND seq = ? AND message_id = ?").run(
      item.agentId,
      Number(item.seq),
      item.messageId,
    ).changes;
    if (removed === 0) return "unknown";
    this.#prep("UPDATE messages SET pending = pending - 1 WHERE message_id = ?").run(item.messageId);
    this.#adjust(item.agentId, -1);
    return "recorded";
  }

  async ackBatch(items: readonly AckItem[], nowMs: number): Promise<AckResult[]> {
    return (await commitDurably(this, { admits: [], acks: items }, nowMs)).acked;
  }

  async deadLetter(
    agentId: string,
    seq: bigint,
    code: ErrorCode,
    reason: string,
    nowMs: number,
    attempts?: readonly DlqAttempt[],
  ): Promise<DlqEntry | undefined> {
    return this.#txDurable(() => {
      const row = this.#row(agentId, seq);
      return row ? this.#deadLetter(row, code, reason, nowMs, attempts) : undefined;
    });
  }

  async expireDue(
    nowMs: number,
    code: ErrorCode,
    reason: string,
    leased?: ReadonlySet<string>,
  ): Promise<DlqEntry[]> {
    return this.#txDurable(() => {
      const rows = this.#prep(
        `${JOINED} WHERE d.expires_at IS NOT NULL AND d.expires_at <= ? ORDER BY d.expires_at LIMIT ?`,
      ).all(nowMs, EXPIRE_BATCH) as DeliveryRow[];
      return rows
        .filter((row) => !leased?.has(leaseKey(row.agent_id, BigInt(row.seq))))
        .map((row) => this.#deadLetter(row, code, reason, nowMs));
    });
  }

  async producerOf(messageId: string): Promise<string | undefined> {
    const row = this.#prep("SELECT producer_id FROM messages WHERE message_id = ?").get(messageId) as
      | { producer_id: string }
      | undefined;
    return row?.producer_id;
  }

  async message(messageId: string): Promise<MessageRecord | undefined> {
    const row = this.#prep("SELECT * FROM messages WHERE message_id = ?").get(messageId) as MessageRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async messagesByCorrelation(correlationId: string): Promise<MessageRecord[]> {
    const rows = this.#prep(
      "SELECT * FROM messages WHERE correlation_id = ? ORDER BY admitted_at, rowid LIMIT 10000",
    ).all(correlationId) as MessageRow[];
    return rows.map(toRecord);
  }

  async queueDepths(): Promise<Map<string, number>> {
    const rows = this.#prep("SELECT agent_id, COUNT(*) AS n FROM deliveries GROUP BY agent_id").all() as {
      agent_id: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.agent_id, r.n]));
  }

  async dlqList(filter: DlqFilter): Promise<DlqEntry[]> {
    return dlqList(this.#prep, filter);
  }

  async dlqRequeue(ids: readonly number[], nowMs: number): Promise<QueuedDelivery[]> {
    return this.#txDurable(() => {
      const queued = dlqRequeue(this.#prep, ids, nowMs, this.#nextSeq);
      for (const q of queued) this.#adjust(q.agentId, 1);
      return queued;
    });
  }

  async dlqPurge(filter: DlqFilter): Promise<number> {
    return this.#txDurable(() => dlqPurge(this.#prep, filter));
  }

  async prune(nowMs: number, windowMs: number): Promise<number> {
    const cutoff = dedupCutoff(nowMs, windowMs);
    return this.#tx(() => {
      const d = this.#prep("DELETE FROM dedup WHERE created_at <= ?").run(cutoff).changes;
      // rules/dedup.ts isRecordExpired, as SQL.
      const m = this.#prep("DELETE FROM messages WHERE pending <= 0 AND admitted_at <= ?").run(cutoff).changes;
      return d + m;
    });
  }

  async close(): Promise<void> {
    await this.#syncer?.close();
    if (this.#db.open) this.#db.close();
  }
}
