/** Messages between WorkerRouterStore (main thread) and storeWorker.ts (the thread that owns SQLite). */
import { CorruptDatabaseError } from "../../storage/sqlite.js";
import type { SqliteRouterStoreOptions } from "./sqliteRouterStore.js";

export interface WorkerInit {
  readonly file: string;
  readonly options: SqliteRouterStoreOptions;
}

export interface CallMessage {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** Errors cross the thread boundary as plain data; the fields storageFailure() and start-up need survive. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly file?: string;
  readonly stack?: string;
}

export type ReplyMessage =
  | { readonly kind: "ready" }
  | { readonly kind: "failed"; readonly error: SerializedError }
  | { readonly kind: "value"; readonly id: number; readonly value: unknown }
  | { readonly kind: "error"; readonly id: number; readonly error: SerializedError }
  | { readonly kind: "durable"; readonly id: number; readonly error?: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const e = error as Error & { code?: unknown; syscall?: unknown; path?: unknown; file?: unknown };
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    name: e.name,
    message: e.message,
    ...(str(e.code) !== undefined ? { code: str(e.code) } : {}),
    ...(str(e.syscall) !== undefined ? { syscall: str(e.syscall) } : {}),
    ...(str(e.path) !== undefined ? { path: str(e.path) } : {}),
    ...(str(e.file) !== undefined ? { file: str(e.file) } : {}),
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
  };
}

export function deserializeError(s: SerializedError): Error {
  if (s.name === "CorruptDatabaseError" && s.file !== undefined) {
    // Same message as when the store runs on the main thread (it names the file).
    const e = new CorruptDatabaseError(s.file, "");
    e.message = s.message;
    return e;
  }
  const e = Object.assign(new Error(s.message), {
    ...(s.code !== undefined ? { code: s.code } : {}),
    ...(s.syscall !== undefined ? { syscall: s.syscall } : {}),
    ...(s.path !== undefined ? { path: s.path } : {}),
  });
  e.name = s.name;
  if (s.stack !== undefined) e.stack = s.stack;
  return e;
}
