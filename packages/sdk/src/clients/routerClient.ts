import { ChannelCredentials } from "@grpc/grpc-js";
import {
  type Clock,
  type CommunicationClass,
  DeliveryAckRequest,
  type Envelope,
  RouterServiceClient as Grpc,
  ErrorCode,
  GrpcStatus,
  METADATA,
  SendMessageRequest,
  StreamRequest,
  Sw4rmError,
  systemClock,
  routerSession as wire,
} from "@sw4rm/protocol";
import { abortedError } from "../transport/abort.js";
import type { CallOptions, Sw4rmClientOptions } from "../transport/options.js";
import type { RetryPolicy } from "../transport/retry.js";
import { ServiceClient } from "../transport/serviceClient.js";
import { unary } from "../transport/unary.js";
import type { DeliveredItem } from "./deliveredItem.js";
import { type IncomingOptions, InboxReader } from "./inboxReader.js";
import { isAuthRefusal } from "./reconnect.js";
import { RouterSession, type SessionOpenOptions } from "./routerSession.js";
import { type SendResult, sendResult } from "./sendResult.js";

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
      const session = await this.#sender(envelope.producerId).catch((error: unknown) => {
        // Refused credentials are the caller's to fix; anything else falls back to SendMessage.
        const err = Sw4rmError.from(error);
        if (isAuthRefusal(err)) throw err;
        return undefined;
      });
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
    return sendResult(res.accepted, res.reason);
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
      const { signal } = options;
      if (!signal) return;
      onAbort = () => reject(abortedError(signal, "send"));
      signal.addEventListener("abort", onAbort, { once: true });
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
   * The agent's inbox as an AsyncIterable of DeliveredItems (the same shape on both receive paths).
   * Re-opens the stream after every end or transient failure, forever, with backoff capped at 5 s,
   * logging the attempts (rate-limited) to `options.logger`; the router redelivers un-acked items
   * with their seq, and an item yielded but not yet settled is not yielded twice (its ack() goes over
   * the live connection). Refused credentials (UNAUTHENTICATED, PERMISSION_DENIED) end the iteration
   * with that error. Ends when the signal aborts.
   */
  incoming(agentId: string, options: IncomingOptions = {}): AsyncGenerator<DeliveredItem, void, undefined> {
    const reader = new InboxReader(
      {
        openSession: (id, signal) =>
          this.#session(() => this.openSession({ agentId: id, receive: true, ...(signal ? { signal } : {}) })),
        stream: (id, signal) => this.streamIncoming({ agentId: id }, signal ? { signal } : {}),
        ackDelivery: async (id, seq, messageId, outcome, callOptions) =>
          (await this.ackDelivery({ agentId: id, seq, messageId, outcome }, callOptions)).recorded,
        clock: this.#clock,
      },
      agentId,
      options,
    );
    return reader.items(() => this.#fastPath !== "no");
  }
}
