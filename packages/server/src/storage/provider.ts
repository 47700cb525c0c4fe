/**
 * The storage provider: the backend is chosen once from config (`storage.backend`), and every service
 * gets its store from here (`ctx.storage.open(name, factories)`), never naming a backend or a file.
 *
 * - `sqlite` (default): one file per store, `<dataDir>/<name>.sqlite`; the data directory is locked
 *   for this process (storage/dataDirLock.ts). Files of the old `<name>.db` convention are renamed once.
 * - `memory`: nothing survives a restart; for tests and throwaway stacks.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../contracts.js";
import { type DataDirLock, lockDataDir } from "./dataDirLock.js";

export const STORAGE_BACKENDS = ["sqlite", "memory"] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

/** How a service builds its store on each backend. */
export interface StoreFactories<S> {
  readonly memory: () => S | Promise<S>;
  /** `file` is the store's SQLite file inside the data directory. */
  readonly sqlite: (file: string) => S | Promise<S>;
}

export interface StorageProvider {
  readonly backend: StorageBackend;
  /** Opens the store `name` (a plain lowercase name: "router", "hitl") on the configured backend. */
  open<S>(name: string, factories: StoreFactories<S>): Promise<S>;
  /** Human description for messages: "hitl.sqlite in /data" or "hitl (memory)". */
  describe(name: string): string;
  /** Releases the data directory. Stores are closed by their services first. */
  close(): void;
}

export interface StorageSettings {
  readonly backend: StorageBackend;
}

const STORE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** The old per-store file names (before one convention): renamed to `<name>.sqlite` on first open. */
const LEGACY_EXTENSIONS = [".db"];

function adoptLegacyFile(dataDir: string, name: string, logger: Logger): void {
  const file = join(dataDir, `${name}.sqlite`);
  for (const ext of LEGACY_EXTENSIONS) {
    const legacy = join(dataDir, `${name}${ext}`);
    if (!existsSync(legacy)) continue;
    if (existsSync(file))
      throw new Error(`both ${legacy} and ${file} exist: keep the one with your data and move the other away`);
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(legacy + suffix)) renameSync(legacy + suffix, file + suffix);
    logger.info({ from: legacy, to: file }, "renamed a store file to the <name>.sqlite convention");
  }
}

export function createStorageProvider(settings: StorageSettings, dataDir: string, logger: Logger): StorageProvider {
  let lock: DataDirLock | undefined;
  if (settings.backend === "sqlite") {
    mkdirSync(dataDir, { recursive: true });
    lock = lockDataDir(dataDir);
  } else {
    logger.warn({ backend: settings.backend }, "storage backend is memory: nothing survives a restart");
  }
  const opened = new Set<string>();
  return {
    backend: settings.backend,
    async open(name, factories) {
      if (!STORE_NAME.test(name)) throw new TypeError(`store name "${name}" must be a plain lowercase name`);
      if (opened.has(name)) throw new Error(`store "${name}" is already open in this server`);
      opened.add(name);
      if (settings.backend === "memory") return factories.memory();
      adoptLegacyFile(dataDir, name, logger);
      return factories.sqlite(join(dataDir, `${name}.sqlite`));
    },
    describe(name) {
      return settings.backend === "memory" ? `the ${name} store (memory)` : `${name}.sqlite in ${dataDir}`;
    },
    close() {
      lock?.release();
      lock = undefined;
    },
  };
}
