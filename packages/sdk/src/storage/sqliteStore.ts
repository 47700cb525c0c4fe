import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { RecordStore } from "./recordStore.js";

export interface SqliteStoreOptions {
  /** Several stores can share one database file under different namespaces. Default "default". */
  readonly namespace?: string;
}

/** Records in an SQLite table (WAL, synchronous=FULL), one row per key. */
export class SqliteStore<T> implements RecordStore<T> {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #ns: string;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.#ns = options.namespace ?? "default";
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = FULL");
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS sw4rm_records (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key))",
    );
  }

  load(): Map<string, T> {
    const rows = this.#db.prepare("SELECT key, value FROM sw4rm_records WHERE ns = ?").all(this.#ns) as {
      key: string;
      value: string;
    }[];
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as T]));
  }

  put(key: string, value: T): void {
    this.#db
      .prepare(
        "INSERT INTO sw4rm_records (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value",
      )
      .run(this.#ns, key, JSON.stringify(value));
  }

  delete(keys: readonly string[]): void {
    const stmt = this.#db.prepare("DELETE FROM sw4rm_records WHERE ns = ? AND key = ?");
    this.#db.transaction((ks: readonly string[]) => {
      for (const k of ks) stmt.run(this.#ns, k);
    })(keys);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
