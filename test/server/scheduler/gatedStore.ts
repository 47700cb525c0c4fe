/**
 * A SchedulerStore whose commits can be held back (and then completed newest first, as a remote store
 * answering out of order would) or made to fail, to test what the scheduler does between a decision
 * and its commit. Reads pass straight through.
 */
import type {
  SchedulerChanges,
  SchedulerSnapshot,
  SchedulerStore,
} from "../../../packages/server/src/services/scheduler/index.js";

interface Held {
  readonly changes: SchedulerChanges;
  readonly done: { resolve(): void; reject(err: unknown): void };
}

export class GatedSchedulerStore implements SchedulerStore {
  readonly #inner: SchedulerStore;
  #holding = false;
  #held: Held[] = [];
  #failNext: unknown;
  #arrived: (() => void) | undefined;

  constructor(inner: SchedulerStore) {
    this.#inner = inner;
  }

  /** Holds every commit from now until `release()`. */
  hold(): void {
    this.#holding = true;
  }

  /** Commits waiting at the gate. */
  get waiting(): number {
    return this.#held.length;
  }

  /** Resolves once a commit waits at the gate. */
  arrival(): Promise<void> {
    return this.#held.length > 0 ? Promise.resolve() : new Promise((resolve) => (this.#arrived = resolve));
  }

  /** Stops holding and completes the held commits newest first. */
  async release(): Promise<void> {
    this.#holding = false;
    const held = this.#held.reverse();
    this.#held = [];
    for (const h of held) await this.#inner.commit(h.changes).then(h.done.resolve, h.done.reject);
  }

  /** Makes the next commit fail with `err`, applying nothing. */
  failNextCommit(err: unknown): void {
    this.#failNext = err;
  }

  load(): Promise<SchedulerSnapshot> {
    return this.#inner.load();
  }

  commit(changes: SchedulerChanges): Promise<void> {
    if (this.#failNext !== undefined) {
      const err = this.#failNext;
      this.#failNext = undefined;
      return Promise.reject(err);
    }
    if (!this.#holding) return this.#inner.commit(changes);
    return new Promise((resolve, reject) => {
      this.#held.push({ changes, done: { resolve, reject } });
      this.#arrived?.();
      this.#arrived = undefined;
    });
  }

  getTask: SchedulerStore["getTask"] = (taskId) => this.#inner.getTask(taskId);
  listTasks: SchedulerStore["listTasks"] = (filter) => this.#inner.listTasks(filter);
  getControl: SchedulerStore["getControl"] = (messageId) => this.#inner.getControl(messageId);
  pruneFinished: SchedulerStore["pruneFinished"] = (nowMs, windowMs) => this.#inner.pruneFinished(nowMs, windowMs);

  describe(): string {
    return this.#inner.describe();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
