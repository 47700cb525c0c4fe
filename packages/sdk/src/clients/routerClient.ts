import { ChannelCredentials } from "@grpc/grpc-js";
import {
  type Clock,
  type CommunicationClass,
  DeliveryAckOutcome,
  DeliveryAckRequest,
  type Envelope,
  RouterServiceClient as Grpc,
  ErrorCode,
  GrpcStatus,
  METADATA,
  SendMessageRequest,
  StreamRequest,
  Sw4rmError,
  sleep,
  systemClock,
  routerSession as wire,
} from "@sw4rm/protocol";
import type { CallOptions, Sw4rmClientOptions } from "../transport/options.js";
import { backoffDelay, type RetryPolicy } from "../transport/retry.js";
import { ServiceClient } from "../transport/serviceClient.js";
import { unary } from "../transport/unary.js";
import { RouterSession, type SessionOpenOptions } from "./routerSession.js";

export interface RouterClientOptions extends Sw4rmClientOptions {
  /**
   * Use the router's streaming fast path (`sw4rm.ext.router.v1.RouterSession`) for send() and incoming()
   * when the server offers it; servers without it (UNIMPLEMENTED) are served over the canonical RPCs.
   * Default true.
   */
  readonly fastPath?: boolean;
}

export interface SendOptions extends CallOptions {
  /** Recipient agent id(s), sent as the `sw4rm-to` metadata header (the Envelope has no recipient field). */
  readonly to?: string | readonly string[];
  /** Communication class override for this message (the `sw4rm-class` header). */
  readonly communicationClass?: CommunicationClass;
}

export interface SendResult {
  readonly accepted: boolean;
  readonly reason: string;
}

/** One item delivered from an agent's inbox (nats.js style). Settle it exactly once with ack() or term(). */
export interface DeliveredItem {
  readonly agentId: string;
  readonly envelope: Envelope;
  /** The router's delivery sequence; a redelivery keeps the same seq. */
  readonly seq: bigint;
  /** AckDelivery DELIVERED: the router forgets the item. Resolves to the router's `recorded`. */
  ack(options?: CallOptions): Promise<boolean>;
  /** AckDelivery PERMANENT_FAILURE: the item is not redelivered. */
  term(options?: CallOptions): Promise<boolean>;
  /** Whether ack() or term() has been called. */
  readonly settled: boolean;
}

export interface IncomingOptions {
  readonly signal?: AbortSignal;
  /** Reconnect backoff (default 100 ms doubling to 5 s, unbounded attempts). */
  readonly reconnect?: Partial<RetryPolicy>;
  readonly clock?: Clock;
}

const RECONNECT: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  multiplier: 2,
  jitter: 0.2,
};

/** Statuses after which the inbox stream is re-opened rather than failed. */
const RECONNECTABLE = new Set<GrpcStatus>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNKNOWN,
  GrpcStatus.CANCELLED,
]);

/** RouterService (default localhost:50051, SW4RM_ROUTER_ADDR). */
export class RouterClient extends ServiceClient<Grpc> {
  constructor(options: RouterClientOptions = {}) {
    super("router", Grpc, options);
    // Same channel (one HTTP/2 connection) for the extension service.
    this.#sessionGrpc = new wire.RouterSessionClient(this.target, ChannelCredentials.createInsecure(), {
      channelOverride: this.grpc.getChannel(),
    });
    this.#fastPath = options.fastPath === false ? "no" : "unknown";
    this.#clock = options.clock ?? systemClock;
    this.#retry = {
      maxAttempts: 3,
      initialDelayMs: 200,
      maxDelayMs: 2_000,
      multiplier: 2,
      jitter: 0.2,
      ...options.retry,
    };
    this.#deadlineMs = options.deadlineMs;
  }
  readonly #clock: Clock;
  readonly #retry: RetryPolicy;
  readonly #deadlineMs: number | undefined;
  readonly #sessionGrpc: wire.RouterSessionClient;
  /** Whether the server offers the fast path: learned from the first session attempt. */
  #fastPath: "unknown" | "yes" | "no";
  readonly #senders = new Map<string, RouterSession>();

  /** Opens a fast-path session (see RouterSession); `ready()` rejects UNIMPLEMENTED on servers without it. */
  openSession(options: SessionOpenOptions): RouterSession {
    return new RouterSession((md) => this.#sessionGrpc.session(md), this.metadataFor({}), options);
  }

  /** Whether the fast path is in use (false until a session was accepted, or when disabled/not offered). */
  get usesFastPath(): boolean {
    return this.#fastPath === "yes";
  }

  /** A ready session for `agentId`, or undefined when the server does not offer the fast path. */
  async #session(open: () => RouterSession): Promise<RouterSession | undefined> {
    if (this.#fastPath === "no") return undefined;
    const session = open();
    try {
      await session.ready();
      this.#fastPath = "yes";
      return session;
    } catch (error) {
      const err = Sw4rmError.from(error);
      if (err.grpcStatus === GrpcStatus.UNIMPLEMENTED) {
        this.#fastPath = "no";
        return undefined;
      }
      throw err;
    }
  }

  async #sender(producerId: string): Promise<RouterSession | undefined> {
    const existing = this.#senders.get(producerId);
    if (existing && !existing.closed) return existing;
    const session = await this.#session(() => this.openSession({ agentId: producerId }));
    if (session) this.#senders.set(producerId, session);
    return session;
  }

  override close(): void {
    for (const s of this.#senders.values()) s.close();
    this.#senders.clear();
    this.#sessionGrpc.close();
    super.close();
  }

  /** AckDelivery; idempotent (recorded=false when the seq is already settled), so retried. */
  readonly ackDelivery = this.unary("ackDelivery", DeliveryAckRequest, true);
  /** Raw StreamIncoming (one stream, no reconnect). Prefer incoming(). */
  readonly streamIncoming = this.stream("streamIncoming", StreamRequest);

  /**
   * SendMessage. Not retried by default: a retry should be a new attempt built with
   * EnvelopeFactory.retry (new message_id, same idempotency token).
   */
  async send(envelope: Envelope, options: SendOptions = {}): Promise<SendResult> {
    const to = typeof options.to === "string" ? [options.to] : (options.to ?? []);
    if (this.#fastPath !== "no" && !options.signal?.aborted) {
      const session = await this.#sender(envelope.producerId).catch(() => undefined);
      if (session) return this.#sendOnSession(session, envelope, to, options);
    }
    const metadata = this.metadataFor(
      { ...options, correlationId: options.correlationId ?? envelope.correlationId },
      {
        ...(to.length > 0 ? { [METADATA.recipients]: to.join(",") } : {}),
        ...(options.communicationClass !== undefined
          ? { [METADATA.communicationClass]: String(options.communicationClass) }
          : {}),
      },
    );
    const res = await unary(this.grpc.sendMessage.bind(this.grpc), SendMessageRequest.fromPartial({ msg: envelope }), {
      metadata,
      deadlineMs: options.deadlineMs ?? this.#deadlineMs ?? 30_000,
      retry: this.#retry,
      retryEnabled: options.retry ?? false,
      clock: this.#clock,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { accepted: res.accepted, reason: res.reason };
  }

  async #sendOnSession(
    session: RouterSession,
    envelope: Envelope,
    to: readonly string[],
    options: SendOptions,
  ): Promise<SendResult> {
    const deadlineMs = options.deadlineMs ?? this.#deadlineMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const limits = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Sw4rmError(ErrorCode.ACK_TIMEOUT, `SendMessage: no answer within ${deadlineMs} ms`, {
              grpcStatus: GrpcStatus.DEADLINE_EXCEEDED,
            }),
          ),
        deadlineMs,
      );
      onAbort = () =>
        reject(new Sw4rmError(ErrorCode.ERROR_CODE_UNSPECIFIED, "send aborted", { grpcStatus: GrpcStatus.CANCELLED }));
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const sent = session.send(envelope, {
        to,
        ...(options.communicationClass !== undefined ? { communicationClass: options.communicationClass } : {}),
      });
      return await Promise.race([sent, limits]);
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * The agent's inbox as an AsyncIterable of DeliveredItems. Re-opens the stream with backoff when it
   * ends or fails with a transient status; the router redelivers un-acked items with their seq, and
   * items already yielded but not yet settled are not yielded twice. Ends when the signal aborts.
   */
  async *incoming(agentId: string, options: IncomingOptions = {}): AsyncGenerator<DeliveredItem, void, undefined> {
    const { signal } = options;
    if (this.#fastPath !== "no") {
      const served = yield* this.#reconnecting(options, (outstanding, connected) =>
        this.#sessionOnce(agentId, signal, outstanding, connected),
      );
      if (served) return;
    }
    yield* this.#reconnecting(options, (outstanding, connected) =>
      this.#canonicalOnce(agentId, signal, outstanding, connected),
    );
  }

  /**
   * Runs `connect` until the signal aborts, re-running it with backoff after it ends or fails with a
   * transient status. `outstanding` (seqs yielded, not yet settled) spans connections, so a redelivered
   * item is not yielded twice. Returns false when `connect` says the transport is not offered.
   */
  async *#reconnecting(
    options: IncomingOptions,
    connect: (
      outstanding: Set<bigint>,
      connected: () => void,
    ) => AsyncGenerator<DeliveredItem, boolean, undefined>,
  ): AsyncGenerator<DeliveredItem, boolean, undefined> {
    const { signal } = options;
    const policy = { ...RECONNECT, ...options.reconnect };
    const clock = options.clock ?? this.#clock;
    const outstanding = new Set<bigint>();
    let failures = 0;
    while (!signal?.aborted) {
      try {
        const offered = yield* connect(outstanding, () => {
          failures = 0;
        });
        if (!offered) return false;
      } catch (error) {
        const err = Sw4rmError.from(error);
        if (!RECONNECTABLE.has(err.grpcStatus)) throw err;
      }
      if (signal?.aborted) return true;
      failures += 1;
      try {
        await sleep(backoffDelay(policy, failures), { clock, ...(signal ? { signal } : {}) });
      } catch {
        return true;
      }
    }
    return true;
  }

  /** One receiving fast-path session; false when the server does not offer the session service. */
  async *#sessionOnce(
    agentId: string,
    signal: AbortSignal | undefined,
    outstanding: Set<bigint>,
    connected: () => void,
  ): AsyncGenerator<DeliveredItem, boolean, undefined> {
    const session = await this.#session(() => this.openSession({ agentId, receive: true, ...(signal ? { signal } : {}) }));
    if (!session) return false;
    try {
      connected();
      for await (const d of session.deliveries()) {
        if (outstanding.has(d.seq)) continue;
        outstanding.add(d.seq);
        yield this.#settleable(agentId, d.envelope, d.seq, outstanding, (outcome) =>
          session.settle(d.seq, d.envelope.messageId, outcome),
        );
      }
    } finally {
      session.close();
    }
    return true;
  }

  /** One canonical StreamIncoming (acks with AckDelivery). */
  async *#canonicalOnce(
    agentId: string,
    signal: AbortSignal | undefined,
    outstanding: Set<bigint>,
    connected: () => void,
  ): AsyncGenerator<DeliveredItem, boolean, undefined> {
    for await (const item of this.streamIncoming({ agentId }, signal ? { signal } : {})) {
      connected();
      if (!item.msg || outstanding.has(item.seq)) continue;
      outstanding.add(item.seq);
      yield this.#delivered(agentId, item.msg, item.seq, outstanding);
    }
    return true;
  }

  #delivered(agentId: string, envelope: Envelope, seq: bigint, outstanding: Set<bigint>): DeliveredItem {
    return this.#settleable(agentId, envelope, seq, outstanding, async (outcome, options) => {
      const res = await this.ackDelivery({ agentId, seq, messageId: envelope.messageId, outcome }, options);
      return res.recorded;
    });
  }

  #settleable(
    agentId: string,
    envelope: Envelope,
    seq: bigint,
    outstanding: Set<bigint>,
    send: (outcome: DeliveryAckOutcome, options: CallOptions) => Promise<boolean>,
  ): DeliveredItem {
    let settled = false;
    const settle = async (outcome: DeliveryAckOutcome, options: CallOptions = {}) => {
      if (settled) return false;
      const recorded = await send(outcome, options);
      settled = true;
      outstanding.delete(seq);
      return recorded;
    };
    return {
      agentId,
      envelope,
      seq,
      ack: (o) => settle(DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED, o),
      term: (o) => settle(DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE, o),
      get settled() {
        return settled;
      },
    };
  }
}
