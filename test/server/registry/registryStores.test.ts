import { join } from "node:path";
import { AgentDescriptor, AgentState } from "@sw4rm/protocol";
import { MemoryRegistryStore, SqliteRegistryStore } from "@sw4rm/server";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { descriptor } from "../../support/agents.js";
import { makeTempDir } from "../../support/index.js";
import { runRegistryStoreSuite } from "./registryStoreSuite.js";

const dir = makeTempDir();
afterAll(() => dir.cleanup());
let n = 0;
let last = "";

runRegistryStoreSuite("sqlite", {
  make: () => {
    last = join(dir.path, `registry-${n++}.db`);
    return new SqliteRegistryStore(last);
  },
  reopen: () => new SqliteRegistryStore(last),
});

runRegistryStoreSuite("memory", { make: () => new MemoryRegistryStore() });

describe("SqliteRegistryStore on an existing registry.db", () => {
  it("opens a file written by the previous release unchanged and reads its agents", async () => {
    const file = join(dir.path, "existing-registry.db");
    // The schema and a row exactly as earlier servers wrote them.
    const db = new Database(file);
    db.exec(`CREATE TABLE agents (
      agent_id TEXT PRIMARY KEY, descriptor BLOB NOT NULL, state INTEGER NOT NULL, available INTEGER NOT NULL,
      health TEXT NOT NULL, registered_at_ms INTEGER NOT NULL, last_heartbeat_at_ms INTEGER NOT NULL)`);
    const bytes = Buffer.from(AgentDescriptor.encode(descriptor("old-agent")).finish());
    db.prepare("INSERT INTO agents VALUES (?, ?, ?, ?, ?, ?, ?)").run(
      "old-agent",
      bytes,
      AgentState.RUNNING,
      0,
      '{"cpu":"0.1"}',
      1_000,
      2_000,
    );
    db.close();

    const store = new SqliteRegistryStore(file);
    expect(store.describe()).toBe(`the registry store (SQLite, ${file})`);
    expect(await store.loadAll()).toEqual([
      {
        descriptor: descriptor("old-agent"),
        state: AgentState.RUNNING,
        available: false,
        health: { cpu: "0.1" },
        registeredAtMs: 1_000,
        lastHeartbeatAtMs: 2_000,
      },
    ]);
    await store.close();
  });
});
