/**
 * Shared SQLite helpers for the server's durable components (router, registry). One place decides
 * journal mode, durability and corruption handling so every store behaves the same on disk.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type { Database as SqliteDatabase } from "better-sqlite3";

export interface OpenDatabaseOptions {
  /**
   * FULL (default): a committed transaction survives power loss as well as a process crash.
   * NORMAL: in WAL mode survives a process crash (kill -9) but the last commits may be lost on power
   * loss; trade-off for throughput, opt-in only.
   */
  readonly synchronous?: "FULL" | "NORMAL";
  /** How long a writer waits for a lock held by another connection (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
}

const SQLITE_HEADER = "SQLite format 3\u0000";

/** Thrown (as a plain Error with this name) when a file exists but is not a healthy SQLite database. */
export class CorruptDatabaseError extends Error {
  readonly file: string;
  constructor(file: string, detail: string, cause?: unknown) {
    super(`refusing to open ${file}: ${detail}; move the file away or restore it from a backup`, { cause });
    this.name = "CorruptDatabaseError";
    this.file = file;
  }
}

/** Reads the first 16 bytes; an empty file is a fresh database, anything else must carry the header. */
function checkHeader(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return;
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (n < 16 || buf.toString("latin1") !== SQLITE_HEADER)
      throw new CorruptDatabaseError(file, "not an SQLite database (bad file header)");
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens (creating if needed) an SQLite database at `file` with WAL journaling, the chosen
 * synchronous level, a busy timeout and foreign keys on. Refuses a corrupt or non-SQLite file with a
 * CorruptDatabaseError naming the file, instead of silently starting empty.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  if (file !== ":memory:") {
    mkdirSync(dirname(file), { recursive: true });
    checkHeader(file);
  }
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (cause) {
    throw new CorruptDatabaseError(file, `cannot open: ${(cause as Error).message}`, cause);
  }
  try {
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new CorruptDatabaseError(file, `integrity check failed: ${String(check)}`);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma("foreign_keys = ON");
  } catch (cause) {
    db.close();
    if (cause instanceof CorruptDatabaseError) throw cause;
    throw new CorruptDatabaseError(file, `not a usable SQLite database: ${(cause as Error).message}`, cause);
  }
  return db;
}
