/**
 * The embedded RouterStore: one SQLite file in WAL mode. Durability: synchronous=FULL by default, so
 * `admit` resolving means the batch is on disk and survives power loss, not only a crash.
 */
import { join } from "node:path";
import { ErrorCode, type MessageLifecycleState, TERMINAL_MESSAGE_STATES } from "@sw4rm/protocol";
import type Database from "better-sqlite3";
import { openDatabase } from "../storage/sqlite.js";
import { deadLetterRow, dlqList, dlqPurge, dlqRequeue } from "./sqliteDlq.js";
import {
  type DeliveryRow,
  type MessageRow,
  migrateRouterSchema,
  STATUS_IN_FLIGHT,
  STATUS_QUEUED,
} from "./sqliteSchema.js";
import type {
  AckResult,
  AdmitItem,
  AdmitOutcome,
  Delivery,
  DlqEntry,
  DlqFilter,
  Lane,
  LaneHead,
  MessageRecord,
  QueuedDelivery,
  RouterStore,
} from "./store.js";

export interface SqliteRouterStoreOptions {
  /** Default FULL (see file comment). NORMAL survives kill -9 but not power loss. */
  readonly synchronous?: "FULL" | "NORMAL";
}

/** File name of the router database inside a data dir. */
export const ROUTER_DB_FILE = "router.sqlite";

const STATE_RANK: Readonly<Record<MessageLifecycleState, number>> = {
  SENT: 0,
  RETRYING: 0,
  RECEIVED: 1,
  READ: 2,
  FULFILLED: 3,
  REJECTED: 3,
  FAILED: 3,
  TIMED_OUT: 3,
};

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
    envelope: new Uint8Array(row.envelope),
    attempts: row.attempts,
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

  constructor(file: string, options: SqliteRouterStoreOptions = {}) {
    this.file = file;
    this.#db = openDatabase(file, { synchronous: options.synchronous ?? "FULL" });
    try {
      migrateRouterSchema(this.#db, file);
    } catch (cause) {
      this.#db.close();
      throw cause;
    }
  }

  static inDir(dataDir: string, options?: SqliteRouterStoreOptions): SqliteRouterStore {
    return new SqliteRouterStore(join(dataDir, ROUTER_DB_FILE), options);
  }

  #nextSeq = (agentId: string): number => {
    const row = this.#db
      .prepare(
        `INSERT INTO agent_seq (agent_id, last_seq) VALUES (?, 1)
         ON CONFLICT(agent_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
      )
      .get(agentId) as { last_seq: number };
    return row.last_seq;
  };

  #duplicate(item: AdmitItem, nowMs: number): AdmitOutcome | undefined {
    // spec §11.2: token first; the (producer, sequence) fallback only for retries, never first attempts.
    const key = item.idempotencyToken
      ? `t\u0000${item.producerId}\u0000${item.idempotencyToken}`
      : item.retryCount > 0
        ? `s\u0000${item.producerId}\u0000${item.sequenceNumber}`
        : undefined;
    if (key === undefined) return undefined;
    const hit = this.#db
      .prepare("SELECT message_id, created_at FROM dedup WHERE key = ? AND created_at > ?")
      .get(key, nowMs - item.dedupWindowMs) as { message_id: string; created_at: number } | undefined;
    if (!hit) return undefined;
    const m = this.#db.prepare("SELECT state, pending, dead FROM messages WHERE message_id = ?").get(hit.message_id) as
      | Pick<MessageRow, "state" | "pending" | "dead">
      | undefined;
    const state = m?.state as MessageLifecycleState | undefined;
    const status = !m
      ? "UNKNOWN"
      : m.dead === 1
        ? "DEAD_LETTERED"
        : state && TERMINAL_MESSAGE_STATES.has(state)
          ? state
          : m.pending === 0
            ? "DELIVERED"
            : "IN_FLIGHT";
    return {
      kind: "duplicate",
      inProgress: status === "IN_FLIGHT",
      originalMessageId: hit.message_id,
      originalStatus: status,
      cachedAtMs: hit.created_at,
    };
  }

  #admitOne(item: AdmitItem, nowMs: number): AdmitOutcome {
    const dup = this.#duplicate(item, nowMs);
    if (dup) return dup;
    if (item.capacity !== undefined) {
      const count = this.#db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE agent_id = ?");
      const full = item.recipients.filter((a) => (count.get(a) as { n: number }).n >= (item.capacity ?? 0));
      if (full.length > 0) return { kind: "buffer_full", agents: full, capacity: item.capacity };
    }
    this.#db
      .prepare(
        `INSERT INTO messages (message_id, producer_id, correlation_id, idempotency_token, sequence_number, message_type,
          content_type, payload_size, envelope, lane, recipients, admitted_at, state, state_at, pending)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'RECEIVED',?,?)`,
      )
      .run(
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
        nowMs,
        item.recipients.length,
      );
    const insert = this.#db.prepare(
      `INSERT INTO deliveries (agent_id, seq, message_id, lane, status, enqueued_at, expires_at) VALUES (?,?,?,?,?,?,?)`,
    );
    const deliveries: QueuedDelivery[] = item.recipients.map((agentId) => {
      const seq = this.#nextSeq(agentId);
      insert.run(agentId, seq, item.messageId, item.lane, STATUS_QUEUED, nowMs, item.expiresAtMs ?? null);
      return { agentId, seq: BigInt(seq) };
    });
    const dedupKey = item.idempotencyToken
      ? `t\u0000${item.producerId}\u0000${item.idempotencyToken}`
      : `s\u0000${item.producerId}\u0000${item.sequenceNumber}`;
    this.#db
      .prepare(
        `INSERT INTO dedup (key, message_id, created_at) VALUES (?,?,?)
         ON CONFLICT(key) DO UPDATE SET message_id = excluded.message_id, created_at = excluded.created_at`,
      )
      .run(dedupKey, item.messageId, nowMs);
    if (item.ackFor) {
      const cur = this.#db.prepare("SELECT state FROM messages WHERE message_id = ?").get(item.ackFor.messageId) as
        | { state: MessageLifecycleState }
        | undefined;
      // Late or out-of-order ACKs never move a message backwards or out of a terminal state (spec §11.1).
      if (cur && STATE_RANK[item.ackFor.state] > STATE_RANK[cur.state])
        this.#db
          .prepare("UPDATE messages SET state = ?, state_at = ? WHERE message_id = ?")
          .run(item.ackFor.state, nowMs, item.ackFor.messageId);
    }
    return { kind: "accepted", deliveries };
  }

  async admit(items: readonly AdmitItem[], nowMs: number): Promise<AdmitOutcome[]> {
    return this.#db.transaction(() => items.map((item) => this.#admitOne(item, nowMs)))();
  }

  async queuedHeads(agentId: string): Promise<LaneHead[]> {
    const rows = this.#db
      .prepare(
        "SELECT lane, MIN(rowid) AS ord FROM deliveries WHERE agent_id = ? AND status = ? GROUP BY lane ORDER BY lane",
      )
      .all(agentId, STATUS_QUEUED) as { lane: number; ord: number }[];
    return rows.map((r) => ({ lane: r.lane as Lane, order: r.ord }));
  }

  #lease(row: DeliveryRow, nowMs: number, leaseMs: number, event: string): Delivery {
    this.#db
      .prepare(
        `UPDATE deliveries SET status = ?, lease_until = ?, attempts = attempts + 1,
          history = json_insert(history, '$[#]', json_object('atMs', ?, 'event', ?, 'reason', ?)) WHERE rowid = ?`,
      )
      .run(STATUS_IN_FLIGHT, nowMs + leaseMs, nowMs, event, `attempt ${row.attempts + 1}`, row.rid);
    return toDelivery({ ...row, attempts: row.attempts + 1 });
  }

  async claimQueued(agentId: string, lane: Lane, nowMs: number, leaseMs: number): Promise<Delivery | undefined> {
    return this.#db.transaction(() => {
      const row = this.#db
        .prepare(`${JOINED} WHERE d.agent_id = ? AND d.status = ? AND d.lane = ? ORDER BY d.rowid LIMIT 1`)
        .get(agentId, STATUS_QUEUED, lane) as DeliveryRow | undefined;
      return row ? this.#lease(row, nowMs, leaseMs, "delivered") : undefined;
    })();
  }

  async claimExpired(agentId: string, nowMs: number, leaseMs: number): Promise<Delivery | undefined> {
    return this.#db.transaction(() => {
      const row = this.#db
        .prepare(`${JOINED} WHERE d.agent_id = ? AND d.status = ? AND d.lease_until <= ? ORDER BY d.seq LIMIT 1`)
        .get(agentId, STATUS_IN_FLIGHT, nowMs) as DeliveryRow | undefined;
      return row ? this.#lease(row, nowMs, leaseMs, "redelivered") : undefined;
    })();
  }

  async nextLeaseExpiry(agentId: string): Promise<number | undefined> {
    const row = this.#db
      .prepare("SELECT MIN(lease_until) AS t FROM deliveries WHERE agent_id = ? AND status = ?")
      .get(agentId, STATUS_IN_FLIGHT) as { t: number | null };
    return row.t ?? undefined;
  }

  async releaseInFlight(agentId: string): Promise<number> {
    return this.#db
      .prepare("UPDATE deliveries SET lease_until = 0 WHERE agent_id = ? AND status = ?")
      .run(agentId, STATUS_IN_FLIGHT).changes;
  }

  async inFlightCount(agentId: string): Promise<number> {
    const row = this.#db
      .prepare("SELECT COUNT(*) AS n FROM deliveries WHERE agent_id = ? AND status = ?")
      .get(agentId, STATUS_IN_FLIGHT) as { n: number };
    return row.n;
  }

  async ack(
    agentId: string,
    seq: bigint,
    messageId: string,
    outcome: "delivered" | "permanent_failure",
    nowMs: number,
  ): Promise<AckResult> {
    if (seq <= 0n || seq > BigInt(Number.MAX_SAFE_INTEGER)) return "unknown";
    return this.#db.transaction((): AckResult => {
      const row = this.#db.prepare(`${JOINED} WHERE d.agent_id = ? AND d.seq = ?`).get(agentId, Number(seq)) as
        | DeliveryRow
        | undefined;
      // Only an in-flight copy of exactly this message can be acked (queued = never delivered).
      if (!row || row.status !== STATUS_IN_FLIGHT || row.message_id !== messageId) return "unknown";
      if (outcome === "permanent_failure") {
        deadLetterRow(this.#db, row, ErrorCode.ERROR_CODE_UNSPECIFIED, "permanent_failure: consumer rejected", nowMs);
      } else {
        this.#db.prepare("DELETE FROM deliveries WHERE rowid = ?").run(row.rid);
        this.#db.prepare("UPDATE messages SET pending = pending - 1 WHERE message_id = ?").run(row.message_id);
      }
      return "recorded";
    })();
  }

  async deadLetter(
    agentId: string,
    seq: bigint,
    code: ErrorCode,
    reason: string,
    nowMs: number,
  ): Promise<DlqEntry | undefined> {
    return this.#db.transaction(() => {
      const row = this.#db.prepare(`${JOINED} WHERE d.agent_id = ? AND d.seq = ?`).get(agentId, Number(seq)) as
        | DeliveryRow
        | undefined;
      return row ? deadLetterRow(this.#db, row, code, reason, nowMs) : undefined;
    })();
  }

  async expireDue(nowMs: number, code: ErrorCode, reason: string): Promise<DlqEntry[]> {
    return this.#db.transaction(() => {
      const rows = this.#db
        .prepare(
          `${JOINED} WHERE d.expires_at IS NOT NULL AND d.expires_at <= ?
           AND (d.status = ? OR d.lease_until <= ?) ORDER BY d.rowid LIMIT 1000`,
        )
        .all(nowMs, STATUS_QUEUED, nowMs) as DeliveryRow[];
      return rows.map((row) => deadLetterRow(this.#db, row, code, reason, nowMs));
    })();
  }

  async producerOf(messageId: string): Promise<string | undefined> {
    const row = this.#db.prepare("SELECT producer_id FROM messages WHERE message_id = ?").get(messageId) as
      | { producer_id: string }
      | undefined;
    return row?.producer_id;
  }

  async message(messageId: string): Promise<MessageRecord | undefined> {
    const row = this.#db.prepare("SELECT * FROM messages WHERE message_id = ?").get(messageId) as
      | MessageRow
      | undefined;
    return row ? toRecord(row) : undefined;
  }

  async messagesByCorrelation(correlationId: string): Promise<MessageRecord[]> {
    const rows = this.#db
      .prepare("SELECT * FROM messages WHERE correlation_id = ? ORDER BY admitted_at, rowid LIMIT 10000")
      .all(correlationId) as MessageRow[];
    return rows.map(toRecord);
  }

  async queueDepths(): Promise<Map<string, number>> {
    const rows = this.#db.prepare("SELECT agent_id, COUNT(*) AS n FROM deliveries GROUP BY agent_id").all() as {
      agent_id: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.agent_id, r.n]));
  }

  async dlqList(filter: DlqFilter): Promise<DlqEntry[]> {
    return dlqList(this.#db, filter);
  }

  async dlqRequeue(ids: readonly number[], nowMs: number): Promise<QueuedDelivery[]> {
    return this.#db.transaction(() => dlqRequeue(this.#db, ids, nowMs, this.#nextSeq))();
  }

  async dlqPurge(filter: DlqFilter): Promise<number> {
    return this.#db.transaction(() => dlqPurge(this.#db, filter))();
  }

  async prune(nowMs: number, windowMs: number): Promise<number> {
    const cutoff = nowMs - windowMs;
    return this.#db.transaction(() => {
      const d = this.#db.prepare("DELETE FROM dedup WHERE created_at <= ?").run(cutoff).changes;
      const m = this.#db
        .prepare(
          `DELETE FROM messages WHERE pending <= 0 AND admitted_at <= ?
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.message_id)`,
        )
        .run(cutoff).changes;
      return d + m;
    })();
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
