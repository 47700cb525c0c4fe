/**
 * Client side of the router's streaming fast path (`sw4rm.ext.router.v1.RouterSession`, an extension of
 * this implementation). One bidirectional stream per agent: sends made in the same turn leave in one
 * SendBatch, acks in one AckBatch, and deliveries arrive in batches within a credit window that is
 * replenished as the application consumes them. Same guarantees as the canonical RPCs: a send resolves
 * accepted=true only after the router committed it; un-acked deliveries come back with the same seq.
 */
import type { ClientDuplexStream, Metadata } from "@grpc/grpc-js";
import {
  type CommunicationClass,
  DeliveryAckOutcome,
  Envelope,
  ErrorCode,
  GrpcStatus,
  routerSession as wire,
  Sw4rmError,
} from "@sw4rm/protocol";
import { abortedError } from "../transport/abort.js";
import type { CallOptions } from "../transport/options.js";
import type { DeliveredItem } from "./deliveredItem.js";
import { type SendResult, sendResult } from "./sendResult.js";

type Duplex = ClientDuplexStream<wire.ClientFrame, wire.ServerFrame>;

export interface SessionOpenOptions {
  /** The agent the session acts for (producer of its sends; with `receive`, the inbox it streams). */
  readonly agentId: string;
  /** Stream the agent's inbox on this session (replaces its StreamIncoming). Default false. */
  readonly receive?: boolean;
  /** Deliveries the router may send ahead of consumption. Default 256. */
  readonly window?: number;
  readonly signal?: AbortSignal;
}

export interface SessionSendOptions {
  readonly to?: string | readonly string[];
  readonly communicationClass?: CommunicationClass;
}

/**
 * A delivery from a session: a DeliveredItem (ack() / term() are sent batched on the same stream)
 * plus the envelope bytes exactly as the producer sent them.
 */
export interface SessionDelivery extends DeliveredItem {
  readonly raw: Uint8Array;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export class RouterSession {
  readonly agentId: string;
  readonly #call: Duplex;
  readonly #window: number;
  #opened: Promise<wire.Opened>;
  #nextRef = 1n;
  readonly #sendWaiters = new Map<bigint, Waiter<SendResult>>();
  readonly #ackWaiters = new Map<bigint, Waiter<boolean>[]>();
  #outSends: wire.Send[] = [];
  #outAcks: wire.Ack[] = [];
  #flushScheduled = false;
  #maxBatch = 256;
  readonly #inbox: SessionDelivery[] = [];
  #inboxWaiter: Waiter<void> | undefined;
  #consumedSinceGrant = 0;
  #failure: Sw4rmError | undefined;
  #ended = false;
  #detachAbort: () => void = () => undefined;

  /** Opens a session on `open(metadata)` (a RouterSessionClient's `session` method). */
  constructor(open: (metadata: Metadata) => Duplex, metadata: Metadata, options: SessionOpenOptions) {
    this.agentId = options.agentId;
    this.#window = Math.max(1, options.window ?? 256);
    this.#call = open(metadata);
    let resolveOpened: (o: wire.Opened) => void = () => undefined;
    let rejectOpened: (e: Error) => void = () => undefined;
    this.#opened = new Promise<wire.Opened>((resolve, reject) => {
      resolveOpened = resolve;
      rejectOpened = reject;
    });
    this.#opened.catch(() => undefined); // surfaced through ready()/send()
    this.#call.on("data", (frame: wire.ServerFrame) => {
      if (frame.opened) {
        this.#maxBatch = Math.max(1, frame.opened.maxBatch);
        resolveOpened(frame.opened);
      } else if (frame.results) this.#onResults(frame.results.results);
      else if (frame.ackResults) this.#onAckResults(frame.ackResults.results);
      else if (frame.deliveries) this.#onDeliveries(frame.deliveries.items);
    });
    const fail = (error: unknown) => {
      const err =
        error === undefined
          ? new Sw4rmError(ErrorCode.AGENT_UNAVAILABLE, "router session ended", { grpcStatus: GrpcStatus.UNAVAILABLE })
          : Sw4rmError.from(error);
      rejectOpened(err);
      this.#terminate(err);
    };
    this.#call.on("error", fail);
    this.#call.on("end", () => fail(undefined));
    const { signal } = options;
    if (signal?.aborted) queueMicrotask(() => this.close());
    else if (signal) {
      const onAbort = () => this.close();
      signal.addEventListener("abort", onAbort, { once: true });
      // Removed when the session ends: a long-lived signal outlives many sessions (reconnects).
      this.#detachAbort = () => signal.removeEventListener("abort", onAbort);
    }
    this.#call.write({
      open: { agentId: options.agentId, receive: options.receive ?? false, initialCredit: this.#window },
    });
  }

  /** Resolves once the router accepted the session; rejects with its status (UNIMPLEMENTED = not offered). */
  async ready(): Promise<void> {
    await this.#opened;
  }

  get closed(): boolean {
    return this.#ended;
  }

  send(envelope: Envelope, options: SessionSendOptions = {}): Promise<SendResult> {
    return this.sendEncoded(Envelope.encode(envelope).finish(), options);
  }

  /** Sends an already-encoded Envelope (stored and delivered byte for byte). */
  sendEncoded(envelope: Uint8Array, options: SessionSendOptions = {}): Promise<SendResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    const ref = this.#nextRef++;
    const to = typeof options.to === "string" ? [options.to] : [...(options.to ?? [])];
    this.#outSends.push({ ref, envelope, to, communicationClass: options.communicationClass ?? 0 });
    this.#scheduleFlush();
    return new Promise((resolve, reject) => this.#sendWaiters.set(ref, { resolve, reject }));
  }

  /** Settles a delivery: DELIVERED (ack) or PERMANENT_FAILURE (term). Resolves to `recorded`. */
  settle(seq: bigint, messageId: string, outcome: DeliveryAckOutcome): Promise<boolean> {
    if (this.#failure) return Promise.reject(this.#failure);
    this.#outAcks.push({ seq, messageId, outcome });
    this.#scheduleFlush();
    return new Promise((resolve, reject) => {
      const list = this.#ackWaiters.get(seq) ?? [];
      list.push({ resolve, reject });
      this.#ackWaiters.set(seq, list);
    });
  }

  /** Same as `d.ack()`. */
  ack(d: SessionDelivery): Promise<boolean> {
    return d.ack();
  }

  /** Same as `d.term()`. */
  term(d: SessionDelivery): Promise<boolean> {
    return d.term();
  }

  /** Deliveries as they arrive; ends when the session ends (throws its error unless closed by us). */
  async *deliveries(): AsyncGenerator<SessionDelivery, void, undefined> {
    for (;;) {
      const next = this.#inbox.shift();
      if (next) {
        this.#consumed();
        yield next;
        continue;
      }
      if (this.#failure) {
        if (this.#ended && this.#failure.grpcStatus === GrpcStatus.CANCELLED) return;
        throw this.#failure;
      }
      await new Promise<void>((resolve, reject) => {
        this.#inboxWaiter = { resolve, reject };
      }).catch(() => undefined);
    }
  }

  /** Ends the session (pending sends/acks fail with CANCELLED). */
  close(): void {
    if (this.#ended) return;
    this.#terminate(new Sw4rmError(ErrorCode.ERROR_CODE_UNSPECIFIED, "router session closed by the client", { grpcStatus: GrpcStatus.CANCELLED }));
    this.#call.cancel();
  }

  #consumed(): void {
    // Grant credit back in chunks, so a steady consumer keeps the window full without a frame per item.
    this.#consumedSinceGrant++;
    if (this.#consumedSinceGrant >= Math.max(1, Math.floor(this.#window / 4)) && !this.#failure) {
      this.#call.write({ credit: { grant: this.#consumedSinceGrant } });
      this.#consumedSinceGrant = 0;
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    try {
      await this.#opened;
    } catch {
      return; // waiters were rejected by #terminate
    }
    while (this.#outSends.length > 0 && !this.#failure)
      this.#call.write({ send: { sends: this.#outSends.splice(0, this.#maxBatch) } });
    while (this.#outAcks.length > 0 && !this.#failure)
      this.#call.write({ ack: { acks: this.#outAcks.splice(0, this.#maxBatch) } });
  }

  #onResults(results: readonly wire.SendResult[]): void {
    for (const r of results) {
      const w = this.#sendWaiters.get(r.ref);
      if (!w) continue;
      this.#sendWaiters.delete(r.ref);
      w.resolve(sendResult(r.accepted, r.reason, r.errorCode));
    }
  }

  #onAckResults(results: readonly wire.AckResult[]): void {
    for (const r of results) {
      const list = this.#ackWaiters.get(r.seq);
      const w = list?.shift();
      if (list && list.length === 0) this.#ackWaiters.delete(r.seq);
      w?.resolve(r.recorded);
    }
  }

  #onDeliveries(items: readonly wire.Delivery[]): void {
    for (const item of items) this.#inbox.push(this.#delivery(item.seq, Envelope.decode(item.envelope), item.envelope));
    const w = this.#inboxWaiter;
    this.#inboxWaiter = undefined;
    w?.resolve();
  }

  #delivery(seq: bigint, envelope: Envelope, raw: Uint8Array): SessionDelivery {
    let settled = false;
    const settle = async (outcome: DeliveryAckOutcome, options: CallOptions = {}): Promise<boolean> => {
      if (settled) return false;
      if (options.signal?.aborted) throw abortedError(options.signal, "ack");
      const recorded = await this.settle(seq, envelope.messageId, outcome);
      settled = true;
      return recorded;
    };
    return {
      agentId: this.agentId,
      seq,
      envelope,
      raw,
      ack: (o) => settle(DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED, o),
      term: (o) => settle(DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE, o),
      get settled() {
        return settled;
      },
    };
  }

  #terminate(error: Sw4rmError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#ended = true;
    this.#detachAbort();
    for (const w of this.#sendWaiters.values()) w.reject(error);
    this.#sendWaiters.clear();
    for (const list of this.#ackWaiters.values()) for (const w of list) w.reject(error);
    this.#ackWaiters.clear();
    const w = this.#inboxWaiter;
    this.#inboxWaiter = undefined;
    w?.resolve();
  }
}
