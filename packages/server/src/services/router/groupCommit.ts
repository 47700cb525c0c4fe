/**
 * Group commit: submissions that arrive while a commit is running are batched into the next
 * transaction, and each caller's promise resolves only after its own transaction is durable. The
 * commit and its durability are two steps: the next batch is committed while the previous one is
 * still being synced, so one fsync covers many messages and the disk's latency is overlapped.
 */
interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

export interface BatchCommit<R> {
  /** One result per item, in input order. */
  readonly results: readonly R[];
  /** Resolves once the batch is durable at the store's configured level. */
  readonly durable: Promise<void>;
}

export class GroupCommitter<T, R> {
  readonly #commit: (items: T[]) => Promise<BatchCommit<R>>;
  readonly #maxBatch: number;
  #queue: Pending<T, R>[] = [];
  /** Served before #queue in every batch (acks: they free capacity, admissions add load). */
  #urgent: Pending<T, R>[] = [];
  #running = false;
  #syncing = 0;
  #idle: (() => void)[] = [];
  /** Transactions committed and items in them (observability, tests). */
  batches = 0;
  items = 0;

  constructor(commit: (items: T[]) => Promise<BatchCommit<R>>, maxBatch: number) {
    this.#commit = commit;
    this.#maxBatch = maxBatch;
  }

  /** Queues `item` for the next batch; `urgent` items go ahead of every non-urgent one still waiting. */
  submit(item: T, urgent = false): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      (urgent ? this.#urgent : this.#queue).push({ item, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // Yield once so submissions arriving in the same I/O turn join the first batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#urgent.length + this.#queue.length > 0) {
        const batch = this.#urgent.splice(0, this.#maxBatch);
        if (batch.length < this.#maxBatch) batch.push(...this.#queue.splice(0, this.#maxBatch - batch.length));
        let committed: BatchCommit<R>;
        try {
          committed = await this.#commit(batch.map((p) => p.item));
        } catch (error) {
          for (const p of batch) p.reject(error);
          continue;
        }
        this.batches++;
        this.items += batch.length;
        this.#syncing++;
        committed.durable
          .then(
            () =>
              batch.forEach((p, i) => {
                const r = committed.results[i];
                if (r === undefined) p.reject(new Error("group commit returned fewer results than items"));
                else p.resolve(r);
              }),
            (error: unknown) => {
              for (const p of batch) p.reject(error);
            },
          )
          .finally(() => {
            this.#syncing--;
            this.#notifyIdle();
          });
      }
    } finally {
      this.#running = false;
      this.#notifyIdle();
    }
  }

  #notifyIdle(): void {
    if (this.#running || this.#syncing > 0) return;
    for (const fn of this.#idle.splice(0)) fn();
  }

  /** Resolves once every submission made so far has been answered (committed and durable, or failed). */
  idle(): Promise<void> {
    if (!this.#running && this.#syncing === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
