import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ErrorCode, Sw4rmError } from "@sw4rm/protocol";
import type { RecordStore } from "./recordStore.js";

export interface JsonFileStoreOptions {
  /** On an unreadable file, start empty (and overwrite it) instead of failing. Default false. */
  readonly startEmptyOnCorrupt?: boolean;
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * All records in one JSON file, rewritten atomically on every change: write a temp file, fsync it,
 * rename it over the old one, fsync the directory. A crash leaves either the old or the new file.
 */
export class JsonFileStore<T> implements RecordStore<T> {
  readonly path: string;
  readonly #records: Map<string, T>;

  constructor(path: string, options: JsonFileStoreOptions = {}) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.#records = this.#read(options.startEmptyOnCorrupt ?? false);
  }

  #read(startEmptyOnCorrupt: boolean): Map<string, T> {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw new Sw4rmError(ErrorCode.INTERNAL_ERROR, `cannot read store file ${this.path}: ${String(error)}`, {
        cause: error,
      });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
      const records = (parsed as { records?: unknown }).records;
      if (typeof records !== "object" || records === null) throw new Error('missing "records" object');
      return new Map(Object.entries(records as Record<string, T>));
    } catch (cause) {
      if (startEmptyOnCorrupt) return new Map();
      throw new Sw4rmError(
        ErrorCode.INTERNAL_ERROR,
        `store file ${this.path} is corrupt (${cause instanceof Error ? cause.message : String(cause)}); move it aside or pass startEmptyOnCorrupt`,
        { cause, reason: "store_corrupt" },
      );
    }
  }

  #flush(): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify({ version: 1, records: Object.fromEntries(this.#records) }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    try {
      fsyncPath(dirname(this.path), "r");
    } catch {
      // Some platforms cannot fsync a directory; the rename itself is still atomic.
    }
  }

  load(): Map<string, T> {
    return new Map(this.#records);
  }

  put(key: string, value: T): void {
    this.#records.set(key, structuredClone(value));
    this.#flush();
  }

  delete(keys: readonly string[]): void {
    let changed = false;
    for (const k of keys) changed = this.#records.delete(k) || changed;
    if (changed) this.#flush();
  }

  close(): void {}
}
