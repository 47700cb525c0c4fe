/** The same RouterStore contract with SQLite on its own thread, plus what only the thread boundary can break. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode } from "@sw4rm/protocol";
import { expect, it } from "vitest";
import { ROUTER_DB_FILE } from "../../../packages/server/src/services/router/sqliteRouterStore.js";
import type { DlqFilter } from "../../../packages/server/src/services/router/store.js";
import { deserializeError, serializeError } from "../../../packages/server/src/services/router/storeWorkerProtocol.js";
import { WorkerRouterStore } from "../../../packages/server/src/services/router/workerRouterStore.js";
import { CorruptDatabaseError } from "../../../packages/server/src/storage/index.js";
import { storageFailure } from "../../../packages/server/src/storage/storageErrors.js";
import { runRouterStoreSuite } from "./routerStoreSuite.js";

runRouterStoreSuite("sqlite on a worker thread", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sw4rm-wstore-"));
  const file = join(dir, ROUTER_DB_FILE);
  let store = await WorkerRouterStore.open(file);
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await WorkerRouterStore.open(file);
      return store;
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, { persistent: true });

it("a corrupt store file fails open() with the CorruptDatabaseError naming the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sw4rm-wstore-"));
  const file = join(dir, ROUTER_DB_FILE);
  writeFileSync(file, "this is not an sqlite database at all, just text");
  try {
    const error = await WorkerRouterStore.open(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorruptDatabaseError);
    expect((error as Error).message).toContain(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("errors from the thread reach the caller; calls after close are refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sw4rm-wstore-"));
  const store = await WorkerRouterStore.open(join(dir, ROUTER_DB_FILE));
  try {
    // better-sqlite3 refuses the bad filter: the error is raised in the worker and crosses back.
    const bad = { agentId: { not: "a string" } } as unknown as DlqFilter;
    await expect(store.dlqList(bad)).rejects.toThrow(/parameter/);
    expect(await store.queueDepths()).toEqual(new Map()); // the thread is still serving
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await expect(store.queueDepths()).rejects.toThrow(/is closed/);
});

it("a SqliteError keeps name, code and message across the boundary (storageFailure still classifies it)", () => {
  const original = Object.assign(new Error("database or disk is full"), { name: "SqliteError", code: "SQLITE_FULL" });
  const copy = deserializeError(structuredClone(serializeError(original)));
  expect([copy.name, (copy as Error & { code?: string }).code, copy.message]).toEqual([
    "SqliteError",
    "SQLITE_FULL",
    "database or disk is full",
  ]);
  expect(storageFailure(copy)?.code).toBe(ErrorCode.OVERLOADED);
});
