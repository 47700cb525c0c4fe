/**
 * Runs the scheduler's steps one at a time, in arrival order: each reads the in-memory state, decides,
 * commits its changes to the store in one call and only then publishes its effects. Serializing the
 * steps keeps what the synchronous store gave for free: no other call can slip in between a read (a
 * duplicate check, a slot count) and the commit that relies on it.
 */
import type { Logger } from "../../contracts.js";
import { SerialQueue } from "../../storage/serialQueue.js";
import { SchedulerStep } from "./step.js";
import type { SchedulerStore } from "./store.js";

export interface StepOutcome<T> {
  readonly value: T;
  /** Settles when the CONTROL sends the step started, and what followed from them, are done. */
  readonly done: Promise<unknown>;
}

export class StepRunner {
  readonly #store: SchedulerStore;
  readonly #logger: Logger;
  readonly #queue = new SerialQueue();
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(store: SchedulerStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** Runs `work` in a fresh step after every step queued before it, then commits and publishes it. */
  run<T>(work: (step: SchedulerStep) => T | Promise<T>): Promise<StepOutcome<T>> {
    return this.track(
      this.#queue.run(async () => {
        const step = new SchedulerStep();
        let value: T;
        try {
          value = await work(step);
          if (!step.empty) await this.#store.commit(step.changes());
        } catch (err) {
          step.rollback();
          throw err;
        }
        const done = Promise.all(step.publish((err) => this.#logger.error({ err }, "scheduler step effect failed")));
        // A failure here reaches whoever awaits `done`; background steps log it themselves.
        done.catch(() => undefined);
        return { value, done };
      }),
    );
  }

  /** Reads committed state: runs `read` between steps, never in the middle of one. */
  read<T>(read: () => T): Promise<T> {
    return this.#queue.run(read);
  }

  /** Makes `settled()` wait for `p` (a step, or a send a step started). */
  track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    const forget = () => this.#inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Resolves once every step and send started so far has finished, including those they led to. */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }
}
