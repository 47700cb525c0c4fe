import { ErrorCode, GrpcStatus, Sw4rmError } from "@sw4rm/protocol";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { storageFailure } from "../../../packages/server/src/storage/storageErrors.js";

/** A real SqliteError with the given code (better-sqlite3 exports the class). */
function sqliteError(code: string, message: string): Error {
  return new Database.SqliteError(message, code);
}

describe("storageFailure", () => {
  it("maps full / I/O / read-only / can't-open stores to OVERLOADED + RESOURCE_EXHAUSTED with a remedy", () => {
    const cases: [Error, RegExp][] = [
      [sqliteError("SQLITE_FULL", "database or disk is full"), /disk is full.*free disk space/],
      [sqliteError("SQLITE_IOERR_WRITE", "disk I/O error"), /I\/O error/],
      [sqliteError("SQLITE_READONLY", "attempt to write a readonly database"), /read-only.*writable/],
      [sqliteError("SQLITE_CANTOPEN", "unable to open database file"), /cannot be opened/],
      [Object.assign(new Error("ENOSPC: no space left"), { code: "ENOSPC", syscall: "write", path: "/d/x" }), /\/d\/x/],
    ];
    for (const [error, text] of cases) {
      const mapped = storageFailure(error, { operation: "send refused", store: "the router store" });
      expect(mapped?.code).toBe(ErrorCode.OVERLOADED);
      expect(mapped?.grpcStatus).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(mapped?.message).toMatch(/^send refused: the router store/);
      expect(mapped?.message).toMatch(text);
    }
  });

  it("finds a wrapped cause and leaves everything else alone", () => {
    const wrapped = new Error("commit failed", { cause: sqliteError("SQLITE_FULL", "full") });
    expect(storageFailure(wrapped)?.code).toBe(ErrorCode.OVERLOADED);
    expect(storageFailure(sqliteError("SQLITE_CONSTRAINT", "UNIQUE failed"))).toBeUndefined();
    expect(storageFailure(new Error("boom"))).toBeUndefined();
    expect(storageFailure(new Sw4rmError(ErrorCode.NO_ROUTE, "no route"))).toBeUndefined();
  });
});
