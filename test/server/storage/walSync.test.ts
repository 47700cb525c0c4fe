import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, WalSyncer } from "../../../packages/server/src/storage/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "sw4rm-wal-"));
  dirs.push(dir);
  return join(dir, "x.sqlite");
}

describe("WalSyncer (FULL durability off the main thread)", () => {
  it("one fdatasync covers every commit made before it started", async () => {
    const file = dbFile();
    const db = openDatabase(file, { synchronous: "NORMAL" });
    db.exec("CREATE TABLE t (x)");
    const syncer = new WalSyncer(file);
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      db.prepare("INSERT INTO t VALUES (?)").run(i);
      waits.push(syncer.durable(syncer.committed()));
    }
    await Promise.all(waits);
    expect(syncer.syncs).toBeGreaterThanOrEqual(1);
    expect(syncer.syncs).toBeLessThan(10);
    // A commit after the last sync needs a new one.
    const before = syncer.syncs;
    db.prepare("INSERT INTO t VALUES (?)").run(-1);
    await syncer.durable(syncer.committed());
    expect(syncer.syncs).toBe(before + 1);
    await syncer.close();
    db.close();
  });

  it("never reports durable what could not be synced, and fails waiters on close", async () => {
    const missing = new WalSyncer(join(dbFile(), "nope"));
    await expect(missing.durable(missing.committed())).rejects.toThrow(/ENOENT/);
    const file = dbFile();
    const db = openDatabase(file, { synchronous: "NORMAL" });
    db.exec("CREATE TABLE t (x)");
    const syncer = new WalSyncer(file);
    db.prepare("INSERT INTO t VALUES (1)").run();
    // Raced with close: either synced or failed, never hangs (handler attached before close runs).
    const pending = syncer.durable(syncer.committed()).then(
      () => "synced",
      () => "failed",
    );
    await syncer.close();
    expect(["synced", "failed"]).toContain(await pending);
    await expect(syncer.durable(syncer.committed())).rejects.toThrow(/closed before the commit was synced/);
    db.close();
  });
});
