/**
 * One `sw4rm up` per data directory. The lock is an exclusive SQLite lock on `<dataDir>/sw4rm.lock`
 * (an fcntl lock underneath), so the kernel releases it when the holder dies, even by kill -9: no stale
 * lock files to clean up. The holder's PID goes to `<dataDir>/sw4rm.pid` so a refused start names it.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export const LOCK_FILE = "sw4rm.lock";
export const PID_FILE = "sw4rm.pid";

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `data directory ${dataDir} is locked by ${pid === undefined ? "another process" : `PID ${pid}`} ` +
        "(another `sw4rm up` uses it): stop that server, or start this one with another --data-dir",
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  release(): void;
}

function holderPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, PID_FILE), "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws DataDirLockedError naming the holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    // The first write takes the exclusive lock; locking_mode EXCLUSIVE keeps it until close.
    db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER); BEGIN EXCLUSIVE; COMMIT;");
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code === "SQLITE_BUSY" || (err as { code?: unknown }).code === "SQLITE_LOCKED")
      throw new DataDirLockedError(dataDir, holderPid(dataDir));
    throw err;
  }
  writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      if (holderPid(dataDir) === process.pid) rmSync(join(dataDir, PID_FILE), { force: true });
      db.close();
    },
  };
}
