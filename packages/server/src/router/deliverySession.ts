/**
 * One agent's active StreamIncoming. Pulls from the store one copy at a time (never loading the
 * queue into memory), redelivers lease-expired copies first with their original seq, caps copies in
 * flight, respects grpc-js backpressure, and sleeps on a Waker (no polling) when there is nothing to
 * send. Waking sources: new admissions, acks, lease timers (on the injected clock), close.
 */

import type { ServerWritableStream } from "@grpc/grpc-js";
import {
  AckStage,
  type Clock,
  ErrorCode,
  type StreamItem,
  type StreamRequest,
  type TimerHandle,
} from "@sw4rm/protocol";
import type { Logger } from "../contracts.js";
import type { Admission } from "./admission.js";
import { LaneSelector } from "./lanes.js";
import type { ResolvedRouterOptions } from "./options.js";
import { reason } from "./reasons.js";
import type { Delivery, RouterStore } from "./store.js";
import { Waker } from "./waker.js";
import { decodeEnvelope } from "./wire.js";

export interface SessionDeps {
  readonly store: RouterStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: ResolvedRouterOptions;
  readonly admission: Admission;
}

export type StreamCall = ServerWritableStream<StreamRequest, StreamItem>;

export class DeliverySession {
  readonly agentId: string;
  readonly waker = new Waker();
  readonly #call: StreamCall;
  readonly #d: SessionDeps;
  readonly #selector: LaneSelector;
  readonly #log: Logger;
  #closed = false;
  #leaseTimer: TimerHandle | undefined;
  readonly #onClose = new Set<() => void>();
  /** Settles when the loop has exited (a replacing session waits for it before taking over). */
  done: Promise<void> = Promise.resolve();

  constructor(agentId: string, call: StreamCall, deps: SessionDeps) {
    this.agentId = agentId;
    this.#call = call;
    this.#d = deps;
    this.#log = deps.logger.child({ agent_id: agentId });
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

  /** Stops the loop; `endCall` finishes the gRPC stream with OK (replaced or router closing). */
  close(endCall: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#leaseTimer?.cancel();
    this.waker.notify();
    for (const fn of this.#onClose) fn();
    if (endCall) {
      try {
        this.#call.end();
      } catch {
        // already finished by the client
      }
    }
  }

  async #next(): Promise<Delivery | undefined> {
    const { store, clock, options } = this.#d;
    const now = clock.now();
    // Lease-expired copies first: they were admitted earlier and keep their seq.
    const expired = await store.claimExpired(this.agentId, now, options.deliveryLeaseMs);
    if (expired) return expired;
    if ((await store.inFlightCount(this.agentId)) >= options.maxInFlightPerStream) return undefined;
    const lane = this.#selector.pick(await store.queuedHeads(this.agentId));
    return lane === undefined ? undefined : store.claimQueued(this.agentId, lane, now, options.deliveryLeaseMs);
  }

  async #armLeaseTimer(): Promise<void> {
    this.#leaseTimer?.cancel();
    const at = await this.#d.store.nextLeaseExpiry(this.agentId);
    if (at === undefined || this.#closed) return;
    this.#leaseTimer = this.#d.clock.setTimer(Math.max(0, at - this.#d.clock.now()), () => this.waker.notify());
  }

  async #expire(d: Delivery): Promise<void> {
    const note = reason(ErrorCode.TTL_EXPIRED, `ttl_ms ran out before delivery to "${d.agentId}"`);
    const entry = await this.#d.store.deadLetter(d.agentId, d.seq, ErrorCode.TTL_EXPIRED, note, this.#d.clock.now());
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
        this.#call.off("drain", done);
        this.#onClose.delete(done);
        resolve();
      };
      this.#call.on("drain", done);
      this.#onClose.add(done);
      if (this.#closed) done();
    });
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const d = await this.#next();
      if (this.#closed) break; // a claimed copy stays leased and is redelivered on reconnect
      if (!d) {
        await this.#armLeaseTimer();
        await this.waker.wait();
        continue;
      }
      // spec §1.8: checked at dequeue time as well as by the sweep.
      if (d.expiresAtMs !== undefined && d.expiresAtMs <= this.#d.clock.now()) {
        await this.#expire(d);
        continue;
      }
      const item: StreamItem = { msg: decodeEnvelope(d.envelope), seq: d.seq };
      this.#log.debug({ seq: d.seq.toString(), message_id: d.messageId, attempt: d.attempts }, "deliver");
      if (!this.#call.write(item)) await this.#waitDrain();
    }
  }
}
