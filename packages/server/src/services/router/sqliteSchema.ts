/** DDL and row shapes of the SQLite router store (see sqliteRouterStore.ts). */
import type Database from "better-sqlite3";

/** Bump when the DDL changes incompatibly; stored in PRAGMA user_version. */
export const ROUTER_SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS messages (
  message_id TEXT PRIMARY KEY,
  producer_id TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  idempotency_token TEXT NOT NULL,
  sequence_number TEXT NOT NULL,
  message_type INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  payload_size INTEGER NOT NULL,
  envelope BLOB NOT NULL,
  lane INTEGER NOT NULL,
  recipients TEXT NOT NULL,
  admitted_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  state_at INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  dead INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_correlation ON messages(correlation_id);
CREATE INDEX IF NOT EXISTS messages_admitted ON messages(admitted_at);
-- One row per queued or in-flight copy; acked copies are deleted (an unknown seq = already acked).
-- seq order = admission order per agent (FIFO within a lane; reads go by seq, see deliveries_lane).
CREATE TABLE IF NOT EXISTS deliveries (
  agent_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  lane INTEGER NOT NULL,
  status INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  history TEXT NOT NULL DEFAULT '[]',
  enqueued_at INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (agent_id, seq)
);
-- Leases live in the router's memory (a lost lease only means redelivery with the same seq), so the
-- delivery path reads by (agent, lane, seq) and never writes; status/lease_until/attempts are legacy.
DROP INDEX IF EXISTS deliveries_queue;
DROP INDEX IF EXISTS deliveries_lease;
CREATE INDEX IF NOT EXISTS deliveries_lane ON deliveries(agent_id, lane, seq);
CREATE INDEX IF NOT EXISTS deliveries_expiry ON deliveries(expires_at) WHERE expires_at IS NOT NULL;
-- messages.pending counts a message's copies, so no index by message_id is kept (each would cost a
-- random B-tree page per admission and per ack).
DROP INDEX IF EXISTS deliveries_message;
-- Per-agent seq counter; never reset, so a seq is never reused even after acks delete rows.
CREATE TABLE IF NOT EXISTS agent_seq (agent_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dedup (key TEXT PRIMARY KEY, message_id TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS dedup_created ON dedup(created_at);
CREATE TABLE IF NOT EXISTS dlq (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  producer_id TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  lane INTEGER NOT NULL,
  message_type INTEGER NOT NULL,
  error_code INTEGER NOT NULL,
  error TEXT NOT NULL,
  attempts TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  failed_at INTEGER NOT NULL,
  payload_size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  excerpt TEXT NOT NULL,
  envelope BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS dlq_agent ON dlq(agent_id);
CREATE INDEX IF NOT EXISTS dlq_failed ON dlq(failed_at);
`;

export function migrateRouterSchema(db: Database.Database, file: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > ROUTER_SCHEMA_VERSION)
    throw new Error(
      `${file}: router schema version ${version} is newer than this build supports (${ROUTER_SCHEMA_VERSION})`,
    );
  db.exec(DDL);
  db.pragma(`user_version = ${ROUTER_SCHEMA_VERSION}`);
}

export interface MessageRow {
  message_id: string;
  producer_id: string;
  correlation_id: string;
  state: string;
  state_at: number;
  admitted_at: number;
  lane: number;
  recipients: string;
  pending: number;
  dead: number;
}

export interface DeliveryRow {
  rid: number;
  agent_id: string;
  seq: number;
  message_id: string;
  lane: number;
  status: number;
  attempts: number;
  history: string;
  enqueued_at: number;
  expires_at: number | null;
  envelope: Buffer;
  producer_id: string;
  correlation_id: string;
  message_type: number;
  content_type: string;
  payload_size: number;
  admitted_at: number;
}

export interface DlqRow {
  id: number;
  message_id: string;
  agent_id: string;
  producer_id: string;
  correlation_id: string;
  lane: number;
  message_type: number;
  error_code: number;
  error: string;
  attempts: string;
  created_at: number;
  failed_at: number;
  payload_size: number;
  content_type: string;
  excerpt: string;
  envelope: Buffer;
}

export const STATUS_QUEUED = 0;
