/** RegistryStore in its own SQLite file (`registry.db` in the data directory). */
import { AgentDescriptor, type AgentState } from "@sw4rm/protocol";
import type { AgentRecord } from "../../contracts.js";
import { openDatabase, type SqliteDatabase } from "../../storage/index.js";
import type { RegistryStore } from "./store.js";

interface Row {
  agent_id: string;
  descriptor: Buffer;
  state: number;
  available: number;
  health: string;
  registered_at_ms: number;
  last_heartbeat_at_ms: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agents (
  agent_id TEXT PRIMARY KEY,
  descriptor BLOB NOT NULL,          -- AgentDescriptor protobuf bytes: lossless across versions
  state INTEGER NOT NULL,
  available INTEGER NOT NULL,
  health TEXT NOT NULL,              -- JSON object of string values
  registered_at_ms INTEGER NOT NULL,
  last_heartbeat_at_ms INTEGER NOT NULL
);`;

function toRecord(row: Row): AgentRecord {
  return {
    // Copy out of the Buffer so bytes fields (public_key) decode as plain Uint8Array, as callers put them.
    descriptor: AgentDescriptor.decode(new Uint8Array(row.descriptor)),
    state: row.state as AgentState,
    available: row.available === 1,
    health: JSON.parse(row.health) as Record<string, string>,
    registeredAtMs: row.registered_at_ms,
    lastHeartbeatAtMs: row.last_heartbeat_at_ms,
  };
}

export class SqliteRegistryStore implements RegistryStore {
  readonly file: string;
  readonly #db: SqliteDatabase;
  readonly #put;
  readonly #remove;

  /** Throws CorruptDatabaseError naming the file when it exists but is unusable. */
  constructor(file: string) {
    this.file = file;
    this.#db = openDatabase(file);
    this.#db.exec(SCHEMA);
    this.#put = this.#db.prepare(
      `INSERT INTO agents (agent_id, descriptor, state, available, health, registered_at_ms, last_heartbeat_at_ms)
       VALUES (@agent_id, @descriptor, @state, @available, @health, @registered_at_ms, @last_heartbeat_at_ms)
       ON CONFLICT(agent_id) DO UPDATE SET descriptor = excluded.descriptor, state = excluded.state,
         available = excluded.available, health = excluded.health, registered_at_ms = excluded.registered_at_ms,
         last_heartbeat_at_ms = excluded.last_heartbeat_at_ms`,
    );
    this.#remove = this.#db.prepare("DELETE FROM agents WHERE agent_id = ?");
  }

  async loadAll(): Promise<AgentRecord[]> {
    const rows = this.#db.prepare("SELECT * FROM agents ORDER BY agent_id").all() as Row[];
    return rows.map(toRecord);
  }

  async put(record: AgentRecord): Promise<void> {
    this.#put.run({
      agent_id: record.descriptor.agentId,
      descriptor: Buffer.from(AgentDescriptor.encode(record.descriptor).finish()),
      state: record.state,
      available: record.available ? 1 : 0,
      health: JSON.stringify(record.health),
      registered_at_ms: record.registeredAtMs,
      last_heartbeat_at_ms: record.lastHeartbeatAtMs,
    });
  }

  async remove(agentId: string): Promise<boolean> {
    return this.#remove.run(agentId).changes > 0;
  }

  describe(): string {
    return `the registry store (SQLite, ${this.file})`;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
