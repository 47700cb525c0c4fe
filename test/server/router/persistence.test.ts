import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Envelope, MessageType } from "@sw4rm/protocol";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  type CreateRouterConfig,
  createRouter,
  ROUTER_DB_FILE,
  SqliteRouterStore,
} from "../../../packages/server/src/services/router/index.js";
import { openDatabase } from "../../../packages/server/src/storage/sqlite.js";
import { MapDirectory, startHarness } from "./harness.js";

describe("router persistence", () => {
  it("restart on the same data dir resumes queues; a copy that was in flight is redelivered with its seq", async () => {
    const h = await startHarness();
    h.directory.add("alice");
    h.directory.add("bob");
    const f = h.factory("alice");
    const a = f.json(MessageType.DATA, { a: 1 });
    const b = f.json(MessageType.DATA, { b: 2 });
    await h.send(a, ["bob"]);
    await h.send(b, ["bob"]);
    const first = await h.stream("bob").next();
    await h.restart();
    const bob = h.stream("bob");
    const re = await bob.next();
    expect(re.seq).toBe(first.seq);
    expect(Envelope.encode(re.msg!).finish()).toEqual(Envelope.encode(first.msg!).finish());
    const next = await bob.next();
    expect(next.msg?.messageId).toBe(b.messageId);
    expect(await h.ack("bob", next.seq, b.messageId)).toBe(true);
    await h.close();
  });

  it("a corrupt store file refuses to start with an error naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "sw4rm-corrupt-"));
    const file = join(dir, ROUTER_DB_FILE);
    writeFileSync(file, "this is not a database, just some text that is long enough");
    expect(() => SqliteRouterStore.inDir(dir)).toThrow(file);
    rmSync(dir, { recursive: true, force: true });
  });

  it("createRouter without a store names what to pass (it opens no store of its own)", () => {
    const config = { directory: new MapDirectory(), logger: pino({ level: "silent" }) };
    expect(() => createRouter(config as unknown as CreateRouterConfig)).toThrow(/needs `store`/);
  });

  it("openDatabase creates the parent dir and enables WAL + FULL sync", () => {
    const dir = mkdtempSync(join(tmpdir(), "sw4rm-open-"));
    const db = openDatabase(join(dir, "a", "b", "x.sqlite"));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
