/** Dead-letter storage of the SQLite router store (what an entry holds: rules/deadLetter.ts). */
import type { ErrorCode } from "@sw4rm/protocol";
import type { Prepare } from "../../storage/statements.js";
import { dlqPageSize, deadLetterAttempts, payloadExcerpt, requeueHistory } from "./rules/deadLetter.js";
import { ADMITTED_STATE } from "./rules/lifecycle.js";
import { type DeliveryRow, type DlqRow, STATUS_QUEUED } from "./sqliteSchema.js";
import type { DlqAttempt, DlqEntry, DlqFilter, Lane, QueuedDelivery } from "./store.js";

export function dlqEntryFromRow(row: DlqRow): DlqEntry {
  return {
    id: row.id,
    messageId: row.message_id,
    agentId: row.agent_id,
    producerId: row.producer_id,
    correlationId: row.correlation_id,
    lane: row.lane as Lane,
    errorCode: row.error_code as ErrorCode,
    error: row.error,
    attempts: JSON.parse(row.attempts) as DlqAttempt[],
    createdAtMs: row.created_at,
    failedAtMs: row.failed_at,
    payloadSize: row.payload_size,
    contentType: row.content_type,
    excerpt: row.excerpt,
  };
}

/**
 * Moves one delivery row into the DLQ. Runs inside the caller's transaction. `recent` are the delivery
 * attempts of this process (leases live in memory), appended to the history stored with the row.
 */
export function deadLetterRow(
  prep: Prepare,
  row: DeliveryRow,
  code: ErrorCode,
  reason: string,
  nowMs: number,
  recent: readonly DlqAttempt[] = [],
): DlqEntry {
  const attempts = deadLetterAttempts(JSON.parse(row.history) as DlqAttempt[], recent, nowMs, reason);
  const info = prep(
      `INSERT INTO dlq (message_id, agent_id, producer_id, correlation_id, lane, message_type, error_code, error,
        attempts, created_at, failed_at, payload_size, content_type, excerpt, envelope)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    )
    .run(
      row.message_id,
      row.agent_id,
      row.producer_id,
      row.correlation_id,
      row.lane,
      row.message_type,
      code,
      reason,
      JSON.stringify(attempts),
      row.admitted_at,
      nowMs,
      row.payload_size,
      row.content_type,
      payloadExcerpt(row.envelope),
      row.envelope,
    );
  prep("DELETE FROM deliveries WHERE rowid = ?").run(row.rid);
  prep("UPDATE messages SET pending = pending - 1, dead = 1 WHERE message_id = ?").run(row.message_id);
  const stored = prep("SELECT * FROM dlq WHERE id = ?").get(info.lastInsertRowid) as DlqRow;
  return dlqEntryFromRow(stored);
}

/** rules/deadLetter.ts matchesDlqFilter, as SQL. */
function where(filter: DlqFilter): { sql: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (filter.agentId !== undefined) {
    clauses.push("agent_id = ?");
    params.push(filter.agentId);
  }
  if (filter.errorCode !== undefined) {
    clauses.push("error_code = ?");
    params.push(filter.errorCode);
  }
  if (filter.fromMs !== undefined) {
    clauses.push("failed_at >= ?");
    params.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    clauses.push("failed_at < ?");
    params.push(filter.toMs);
  }
  if (filter.afterId !== undefined) {
    clauses.push("id > ?");
    params.push(filter.afterId);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

export function dlqList(prep: Prepare, filter: DlqFilter): DlqEntry[] {
  const w = where(filter);
  const limit = dlqPageSize(filter);
  const rows = prep(`SELECT * FROM dlq ${w.sql} ORDER BY id LIMIT ${limit}`).all(...w.params) as DlqRow[];
  return rows.map(dlqEntryFromRow);
}

export function dlqPurge(prep: Prepare, filter: DlqFilter): number {
  const w = where(filter);
  if (filter.limit !== undefined) {
    const ids = dlqList(prep, filter).map((e) => e.id);
    if (ids.length === 0) return 0;
    const del = prep("DELETE FROM dlq WHERE id = ?");
    return ids.reduce((n, id) => n + del.run(id).changes, 0);
  }
  return prep(`DELETE FROM dlq ${w.sql}`).run(...w.params).changes;
}

/** Requeues entries as fresh deliveries (new seq, no expiry: the operator asked for delivery). */
export function dlqRequeue(
  prep: Prepare,
  ids: readonly number[],
  nowMs: number,
  nextSeq: (agentId: string) => number,
): QueuedDelivery[] {
  const out: QueuedDelivery[] = [];
  for (const id of ids) {
    const row = prep("SELECT * FROM dlq WHERE id = ?").get(id) as DlqRow | undefined;
    if (!row) continue;
    const seq = nextSeq(row.agent_id);
    const history = requeueHistory(JSON.parse(row.attempts) as DlqAttempt[], nowMs);
    // The message record may have been pruned after the dedup window; recreate it so delivery can join it.
    prep(
      `INSERT INTO messages (message_id, producer_id, correlation_id, idempotency_token, sequence_number, message_type,
        content_type, payload_size, envelope, lane, recipients, admitted_at, state, state_at, pending, dead)
       VALUES (?,?,?,'','0',?,?,?,?,?,?,?,?,?,0,0)
       ON CONFLICT(message_id) DO NOTHING`,
    ).run(
      row.message_id,
      row.producer_id,
      row.correlation_id,
      row.message_type,
      row.content_type,
      row.payload_size,
      row.envelope,
      row.lane,
      JSON.stringify([row.agent_id]),
      row.created_at,
      ADMITTED_STATE,
      nowMs,
    );
    prep("UPDATE messages SET pending = pending + 1, dead = 0 WHERE message_id = ?").run(row.message_id);
    prep(
      `INSERT INTO deliveries (agent_id, seq, message_id, lane, status, history, enqueued_at, expires_at)
       VALUES (?,?,?,?,?,?,?,NULL)`,
    ).run(row.agent_id, seq, row.message_id, row.lane, STATUS_QUEUED, JSON.stringify(history), nowMs);
    prep("DELETE FROM dlq WHERE id = ?").run(id);
    out.push({ agentId: row.agent_id, seq: BigInt(seq) });
  }
  return out;
}
