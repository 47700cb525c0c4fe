/**
 * Storage failures (disk full, I/O error, read-only or unopenable store) as the protocol's OVERLOADED,
 * carried as gRPC RESOURCE_EXHAUSTED: the server refuses what it cannot persist and says what to do
 * about it, instead of answering an opaque INTERNAL (issue 6, scenario 8).
 */
import { ErrorCode, GrpcStatus, Sw4rmError } from "@sw4rm/protocol";

export interface StorageFailureContext {
  /** What the caller asked for and what happened to it, e.g. "SendMessage refused, nothing was stored". */
  readonly operation?: string;
  /** Which store, e.g. "the router store (router.sqlite)". */
  readonly store?: string;
  /** The file, when the caller knows it (fs errors carry their own path). */
  readonly file?: string;
}

interface Kind {
  readonly reason: string;
  readonly what: string;
  readonly remedy: string;
}

const FULL: Kind = {
  reason: "storage_full",
  what: "the disk is full",
  remedy: "free disk space on the data directory's volume",
};
const IO: Kind = {
  reason: "storage_io_error",
  what: "the disk reported an I/O error",
  remedy: "check the disk holding the data directory and free space on it",
};
const READONLY: Kind = {
  reason: "storage_readonly",
  what: "the store is read-only",
  remedy: "make the data directory and its files writable by the server (permissions, read-only mount)",
};
const CANTOPEN: Kind = {
  reason: "storage_unavailable",
  what: "the store file cannot be opened",
  remedy: "check that the data directory exists and is writable by the server",
};

/** better-sqlite3 SqliteError codes (extended codes such as SQLITE_IOERR_WRITE share the primary prefix). */
function sqliteKind(code: string): Kind | undefined {
  if (code === "SQLITE_FULL") return FULL;
  if (code.startsWith("SQLITE_IOERR")) return IO;
  if (code.startsWith("SQLITE_READONLY")) return READONLY;
  if (code.startsWith("SQLITE_CANTOPEN")) return CANTOPEN;
  return undefined;
}

/** Node fs errno codes that mean the same things. */
const ERRNO: Readonly<Record<string, Kind>> = { ENOSPC: FULL, EDQUOT: FULL, EIO: IO, EROFS: READONLY };

interface Classified {
  readonly kind: Kind;
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

function classify(error: unknown): Classified | undefined {
  let current: unknown = error;
  // The storage error may arrive wrapped (e.g. as the cause of another error): look a few levels down.
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      const kind =
        current.name === "SqliteError"
          ? sqliteKind(code)
          : typeof (current as { syscall?: unknown }).syscall === "string"
            ? ERRNO[code]
            : undefined;
      if (kind) {
        const path = (current as { path?: unknown }).path;
        return { kind, code, message: current.message, ...(typeof path === "string" ? { path } : {}) };
      }
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Maps a storage failure to `OVERLOADED` / RESOURCE_EXHAUSTED with a message naming what failed, the
 * store (and file when known) and what to do; undefined for anything that is not a storage failure
 * (callers then fall back to Sw4rmError.from). A Sw4rmError that already carries a specific code is
 * left alone.
 */
export function storageFailure(error: unknown, context: StorageFailureContext = {}): Sw4rmError | undefined {
  if (Sw4rmError.is(error) && error.code !== ErrorCode.INTERNAL_ERROR) return undefined;
  const found = classify(error);
  if (!found) return undefined;
  const file = context.file ?? found.path;
  const store = [context.store, file].filter((s) => s !== undefined).join(" at ") || "the store";
  const head = context.operation ?? "storage write failed";
  return new Sw4rmError(
    ErrorCode.OVERLOADED,
    `${head}: ${store} cannot be written, ${found.kind.what} (${found.code}: ${found.message}); ${found.kind.remedy}, then retry`,
    { grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED, reason: found.kind.reason, cause: error },
  );
}
