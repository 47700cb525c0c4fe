/**
 * Runs async jobs one at a time, in the order they were queued. Services whose state lives in memory
 * and is committed to an async store use it around each read → decide → commit step, so two calls
 * cannot interleave between a read and the commit that depends on it (what synchronous stores gave
 * for free).
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Queues `job` behind every job queued before it; resolves or rejects with its outcome. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(job);
    // The chain continues whatever the job's outcome; the caller sees the rejection through `result`.
    this.#tail = result.then(
      () => this.#pending--,
      () => this.#pending--,
    );
    return result;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves once every job queued so far has finished (failures included). */
  async idle(): Promise<void> {
    while (this.#pending > 0) await this.#tail;
  }
}
