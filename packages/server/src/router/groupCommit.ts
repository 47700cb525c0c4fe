/**
 * Group commit: submissions that arrive while a commit is running are batched into the next
 * transaction, and each caller's promise resolves only after its own transaction committed. One
 * fsync then covers many messages (synchronous=FULL stays affordable under load).
 */
interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommitter<T, R> {
  readonly #commit: (items: T[]) => Promise<R[]>;
  readonly #maxBatch: number;
  #queue: Pending<T, R>[] = [];
  #running = false;
  #idle: (() => void)[] = [];
  /** Transactions committed and items in them (observability, tests). */
  batches = 0;
  items = 0;

  constructor(commit: (items: T[]) => Promise<R[]>, maxBatch: number) {
    this.#commit = commit;
    this.#maxBatch = maxBatch;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // Yield once so submissions arriving in the same I/O turn join the first batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          const results = await this.#commit(batch.map((p) => p.item));
          this.batches++;
          this.items += batch.length;
          batch.forEach((p, i) => {
            const r = results[i];
            if (r === undefined) p.reject(new Error("group commit returned fewer results than items"));
            else p.resolve(r);
          });
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#running = false;
      for (const fn of this.#idle.splice(0)) fn();
    }
  }

  /** Resolves once every submission made so far has been committed or failed. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
