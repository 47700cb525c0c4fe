/**
 * Power-loss durability without blocking the event loop. better-sqlite3 runs synchronously, so with
 * synchronous=FULL every commit would stall the whole process for an fsync (~2 ms here). Instead the
 * database runs with synchronous=NORMAL (a commit reaches the OS: it survives kill -9), and callers
 * that promise durability wait for `durable(gen)`: an fdatasync of the WAL on libuv's thread pool that
 * started after their commit. One fsync covers every commit made before it started (group commit), and
 * the next batch is committed while the previous one is being synced.
 *
 * That is exactly what FULL does (sync the WAL after the commit), moved off the main thread. SQLite
 * still syncs the WAL before checkpoints and its header when the WAL is reused.
 */
import { type FileHandle, open } from "node:fs/promises";

export class WalSyncer {
  readonly #walFile: string;
  #handle: Promise<FileHandle> | undefined;
  #committed = 0;
  #synced = 0;
  #running = false;
  readonly #waiters: { gen: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #closed = false;
  /** fdatasync calls made (observability, tests). */
  syncs = 0;

  constructor(databaseFile: string) {
    this.#walFile = `${databaseFile}-wal`;
  }

  /** Records that a commit just finished; returns its generation for `durable`. */
  committed(): number {
    return ++this.#committed;
  }

  /** Resolves once a sync that started after commit `gen` has completed. */
  durable(gen: number): Promise<void> {
    if (gen <= this.#synced) return Promise.resolve();
    if (this.#closed) return Promise.reject(new Error("store closed before the commit was synced"));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ gen, resolve, reject });
      if (!this.#running) void this.#loop();
    });
  }

  async #loop(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiters.length > 0 && !this.#closed) {
        const target = this.#committed;
        try {
          this.#handle ??= open(this.#walFile, "r");
          await (await this.#handle).datasync();
          this.syncs++;
        } catch (error) {
          // Nothing may be reported durable that was not synced: fail the waiters covered by this round.
          this.#settle(target, error);
          continue;
        }
        this.#synced = target;
        this.#settle(target);
      }
    } finally {
      this.#running = false;
    }
  }

  /** Settles waiters up to `upTo` in commit order (the router relies on answers leaving in that order). */
  #settle(upTo: number, error?: unknown): void {
    const due = this.#waiters.filter((w) => w.gen <= upTo).sort((a, b) => a.gen - b.gen);
    if (due.length === 0) return;
    const rest = this.#waiters.filter((w) => w.gen > upTo);
    this.#waiters.length = 0;
    this.#waiters.push(...rest);
    for (const w of due) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const err = new Error("store closed before the commit was synced");
    this.#settle(Number.POSITIVE_INFINITY, err);
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close();
  }
}
