/**
 * The router's periodic sweep, on the injected clock: dead-letters queued copies whose TTL ran out
 * (sending the producer a FAILED ACK) and prunes records outside the dedup window. Runs never
 * overlap: a tick during a run asks for one more run after it.
 */
import { AckStage, type Clock, ErrorCode, type TimerHandle } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { Admission } from "./admission.js";
import type { ResolvedRouterOptions } from "./options.js";
import { reason } from "./reasons.js";
import type { RouterStore } from "./store.js";

/** What the sweep needs from delivery: leases live in memory, not in the store. */
export interface LeaseView {
  /** `leaseKey`s of copies in flight under a lease that has not run out (their consumer may still ack). */
  leasedKeys(nowMs: number): ReadonlySet<string>;
  /** A copy of `messageId` queued for `agentId` was dead-lettered by the sweep. */
  settled(agentId: string, messageId: string): void;
}

export interface SweeperDeps {
  readonly store: RouterStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: Pick<ResolvedRouterOptions, "sweepIntervalMs" | "dedupWindowMs">;
  readonly leases: LeaseView;
  readonly admission: Pick<Admission, "notifyProducer">;
}

export class Sweeper {
  readonly #d: SweeperDeps;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #busy = false;
  #again = false;
  #running: Promise<void> = Promise.resolve();

  constructor(deps: SweeperDeps) {
    this.#d = deps;
  }

  /** Arms the interval timer; re-armed synchronously on each tick so a ManualClock advance fires every due sweep. */
  start(): void {
    this.#timer = this.#d.clock.setTimer(this.#d.options.sweepIntervalMs, () => {
      if (this.#stopped) return;
      this.start();
      this.#run();
    });
  }

  /** No further sweeps start; a running one finishes (see idle). */
  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  /** Resolves once the sweep running now (if any) has finished. */
  idle(): Promise<void> {
    return this.#running;
  }

  #run(): void {
    if (this.#busy) {
      this.#again = true; // coalesce: one more run, at the time it starts
      return;
    }
    this.#busy = true;
    this.#running = this.#sweep()
      .catch((error: unknown) => this.#d.logger.error({ err: error }, "router sweep failed"))
      .finally(() => {
        this.#busy = false;
        if (this.#again && !this.#stopped) {
          this.#again = false;
          this.#run();
        }
      });
  }

  async #sweep(): Promise<void> {
    const { store, clock, logger, options, leases, admission } = this.#d;
    const now = clock.now();
    const note = reason(ErrorCode.TTL_EXPIRED, "ttl_ms ran out before delivery");
    for (const entry of await store.expireDue(now, ErrorCode.TTL_EXPIRED, note, leases.leasedKeys(now))) {
      leases.settled(entry.agentId, entry.messageId);
      logger.info({ message_id: entry.messageId, correlation_id: entry.correlationId }, "ttl expired in queue");
      await admission.notifyProducer(entry.producerId, entry.messageId, entry.correlationId, {
        stage: AckStage.FAILED,
        code: ErrorCode.TTL_EXPIRED,
        note: entry.error,
      });
    }
    await store.prune(now, options.dedupWindowMs);
  }
}
