import {
  type Clock,
  DeliveryAckOutcome,
  DeliveryAckRequest,
  type Envelope,
  RouterServiceClient as Grpc,
  GrpcStatus,
  METADATA,
  SendMessageRequest,
  StreamRequest,
  Sw4rmError,
  sleep,
  systemClock,
} from "@sw4rm/protocol";
import type { CallOptions, Sw4rmClientOptions } from "../transport/options.js";
import { backoffDelay, type RetryPolicy } from "../transport/retry.js";
import { ServiceClient } from "../transport/serviceClient.js";
import { unary } from "../transport/unary.js";

export interface SendOptions extends CallOptions {
  /** Recipient agent id(s), sent as the `sw4rm-to` metadata header (the Envelope has no recipient field). */
  readonly to?: string | readonly string[];
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
  constructor(options: Sw4rmClientOptions = {}) {
    super("router", Grpc, options);
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
    const metadata = this.metadataFor(
      { ...options, correlationId: options.correlationId ?? envelope.correlationId },
      to.length > 0 ? { [METADATA.recipients]: to.join(",") } : undefined,
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

  /**
   * The agent's inbox as an AsyncIterable of DeliveredItems. Re-opens the stream with backoff when it
   * ends or fails with a transient status; the router redelivers un-acked items with their seq, and
   * items already yielded but not yet settled are not yielded twice. Ends when the signal aborts.
   */
  async *incoming(agentId: string, options: IncomingOptions = {}): AsyncGenerator<DeliveredItem, void, undefined> {
    const { signal } = options;
    const policy = { ...RECONNECT, ...options.reconnect };
    const clock = options.clock ?? this.#clock;
    const outstanding = new Set<bigint>();
    let failures = 0;
    while (!signal?.aborted) {
      try {
        for await (const item of this.streamIncoming({ agentId }, signal ? { signal } : {})) {
          failures = 0;
          if (!item.msg || outstanding.has(item.seq)) continue;
          outstanding.add(item.seq);
          yield this.#delivered(agentId, item.msg, item.seq, outstanding);
        }
      } catch (error) {
        const err = Sw4rmError.from(error);
        if (!RECONNECTABLE.has(err.grpcStatus)) throw err;
      }
      if (signal?.aborted) return;
      failures += 1;
      try {
        await sleep(backoffDelay(policy, failures), { clock, ...(signal ? { signal } : {}) });
      } catch {
        return;
      }
    }
  }

  #delivered(agentId: string, envelope: Envelope, seq: bigint, outstanding: Set<bigint>): DeliveredItem {
    let settled = false;
    const settle = async (outcome: DeliveryAckOutcome, options: CallOptions = {}) => {
      if (settled) return false;
      const res = await this.ackDelivery({ agentId, seq, messageId: envelope.messageId, outcome }, options);
      settled = true;
      outstanding.delete(seq);
      return res.recorded;
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
