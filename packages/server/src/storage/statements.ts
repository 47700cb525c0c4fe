/**
 * Prepared-statement cache: better-sqlite3 compiles SQL on every `prepare`, which costs more than
 * running a small indexed statement. Callers keep writing SQL inline and pay compilation once.
 */
import type Database from "better-sqlite3";

export type Prepare = (sql: string) => Database.Statement;

export function statementCache(db: Database.Database): Prepare {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}
