/**
 * One agent's active delivery stream (StreamIncoming or a fast-path session). Takes copies from the
 * agent's Inbox (read-ahead from the store, never the whole queue), redelivers lease-expired copies
 * first with their original seq, caps copies in flight, respects the sink's credit and transport
 * backpressure, writes in batches, and sleeps on a Waker (no polling) when there is nothing to send.
 * Waking sources: new admissions, acks, credit, lease timers (on the injected clock), close.
 */
import { AckStage, type Clock, ErrorCode, type TimerHandle } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { Admission } from "./admission.js";
import type { DeliverySink } from "./deliverySink.js";
import type { Inbox } from "./inbox.js";
import { LaneSelector } from "./lanes.js";
import type { ResolvedRouterOptions } from "./options.js";
import { reason } from "./reasons.js";
import type { Delivery, RouterStore } from "./store.js";
import { Waker } from "./waker.js";

export interface SessionDeps {
  readonly store: RouterStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: ResolvedRouterOptions;
  readonly admission: Admission;
}

export class DeliverySession {
  readonly agentId: string;
  readonly waker = new Waker();
  readonly #sink: DeliverySink;
  readonly #inbox: Inbox;
  readonly #d: SessionDeps;
  readonly #selector: LaneSelector;
  readonly #log: Logger;
  #closed = false;
  #leaseTimer: TimerHandle | undefined;
  readonly #onClose = new Set<() => void>();
  /** Settles when the loop has exited (a replacing session waits for it before taking over). */
  done: Promise<void> = Promise.resolve();

  constructor(inbox: Inbox, sink: DeliverySink, deps: SessionDeps) {
    this.agentId = inbox.agentId;
    this.#inbox = inbox;
    this.#sink = sink;
    this.#d = deps;
    this.#log = deps.logger.child({ agent_id: inbox.agentId });
    const o = deps.options;
    this.#selector = new LaneSelector({
      clock: deps.clock,
      privilegedBurst: o.privilegedBurst,
      privilegedPerSecond: o.privilegedPerSecond,
      weights: o.laneWeights,
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(): void {
    this.done = this.#run().catch((error: unknown) => {
      this.#log.error({ err: error }, "delivery stream failed");
      this.close(true);
    });
  }

  /** Stops the loop; `endCall` finishes the call with OK (replaced or router closing). */
  close(endCall: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#leaseTimer?.cancel();
    this.waker.notify();
    for (const fn of this.#onClose) fn();
    if (endCall) this.#sink.end();
  }

  /** The next copy to send, leased; undefined when nothing may be sent now. */
  async #next(): Promise<Delivery | undefined> {
    const { store, clock, options } = this.#d;
    const inbox = this.#inbox;
    for (;;) {
      const now = clock.now();
      // Lease-expired copies first: they were admitted earlier and keep their seq.
      const expired = inbox.expiredLease(now);
      let d = expired?.delivery;
      if (!d) {
        if (inbox.inFlight >= options.maxInFlightPerStream) return undefined;
        if (inbox.needsRefill()) await inbox.refill(store);
        const lane = this.#selector.pick(inbox.heads());
        if (lane === undefined) return undefined;
        d = inbox.take(lane);
        if (!d) continue;
      }
      // spec §1.8: checked at dequeue time as well as by the sweep.
      if (d.expiresAtMs !== undefined && d.expiresAtMs <= now) {
        await this.#expire(d);
        continue;
      }
      inbox.lease(d, now, options.deliveryLeaseMs);
      return d;
    }
  }

  #armLeaseTimer(): void {
    this.#leaseTimer?.cancel();
    const at = this.#inbox.nextLeaseExpiry();
    if (at === undefined || this.#closed) return;
    this.#leaseTimer = this.#d.clock.setTimer(Math.max(0, at - this.#d.clock.now()), () => this.waker.notify());
  }

  async #expire(d: Delivery): Promise<void> {
    const note = reason(ErrorCode.TTL_EXPIRED, `ttl_ms ran out before delivery to "${d.agentId}"`);
    const attempts = this.#inbox.leaseOf(d.seq)?.attempts;
    this.#inbox.settle(d.seq);
    const entry = await this.#d.store.deadLetter(
      d.agentId,
      d.seq,
      ErrorCode.TTL_EXPIRED,
      note,
      this.#d.clock.now(),
      attempts,
    );
    if (!entry) return;
    this.#log.info({ message_id: d.messageId, correlation_id: d.correlationId }, "ttl expired at dequeue");
    await this.#d.admission.notifyProducer(d.producerId, d.messageId, d.correlationId, {
      stage: AckStage.FAILED,
      code: ErrorCode.TTL_EXPIRED,
      note,
    });
  }

  #waitDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        off();
        this.#onClose.delete(done);
        resolve();
      };
      const off = this.#sink.onDrain(done);
      this.#onClose.add(done);
      if (this.#closed) done();
    });
  }

  async #run(): Promise<void> {
    const maxBatch = this.#d.options.maxDeliveryBatch;
    while (!this.#closed) {
      const room = Math.min(this.#sink.credit, maxBatch);
      const batch: Delivery[] = [];
      while (batch.length < room) {
        const d = await this.#next();
        if (!d || this.#closed) break;
        batch.push(d);
      }
      // Copies leased but not written stay leased; the next stream gets them (Inbox.releaseAll).
      if (this.#closed) break;
      if (batch.length > 0) {
        for (const d of batch) this.#log.trace({ seq: d.seq.toString(), message_id: d.messageId }, "deliver");
        if (!this.#sink.write(batch)) await this.#waitDrain();
        continue;
      }
      this.#armLeaseTimer();
      await this.waker.wait();
    }
  }
}
