/**
 * An agent's inbox as one AsyncIterable of DeliveredItems over whichever transport the router offers
 * (fast-path session, else canonical StreamIncoming), re-opened after every lost connection.
 */
import {
  type Clock,
  DeliveryAckOutcome,
  type Envelope,
  sleep,
  type StreamItem,
  Sw4rmError,
} from "@sw4rm/protocol";
import { componentLogger, type Logger, silentLogger } from "../logger.js";
import type { CallOptions } from "../transport/options.js";
import { backoffDelay, type RetryPolicy } from "../transport/retry.js";
import type { DeliveredItem } from "./deliveredItem.js";
import { isReconnectable, RECONNECT_POLICY, ReconnectLog } from "./reconnect.js";
import type { RouterSession } from "./routerSession.js";

export interface IncomingOptions {
  readonly signal?: AbortSignal;
  /** Reconnect backoff (default 100 ms doubling to 5 s, unbounded attempts). */
  readonly reconnect?: Partial<RetryPolicy>;
  readonly clock?: Clock;
  /** Where reconnect attempts (rate-limited) are logged. Default silent. */
  readonly logger?: Logger;
}

type Settle = (outcome: DeliveryAckOutcome, options: CallOptions) => Promise<boolean>;

/** What the reader needs from RouterClient. */
export interface InboxTransport {
  /** A ready receiving session, or undefined when the server does not offer the fast path. */
  openSession(agentId: string, signal: AbortSignal | undefined): Promise<RouterSession | undefined>;
  /** One canonical StreamIncoming. */
  stream(agentId: string, signal: AbortSignal | undefined): AsyncIterable<StreamItem>;
  /** AckDelivery (canonical, retry-safe): settles a seq whichever connection delivered it. */
  ackDelivery(agentId: string, seq: bigint, messageId: string, outcome: DeliveryAckOutcome, options: CallOptions): Promise<boolean>;
  readonly clock: Clock;
}

/** A delivered, not yet settled item: how to settle it (updated when a later connection redelivers it). */
interface Held {
  settle: Settle;
}

export class InboxReader {
  readonly #t: InboxTransport;
  readonly #agentId: string;
  readonly #signal: AbortSignal | undefined;
  readonly #policy: RetryPolicy;
  readonly #clock: Clock;
  readonly #log: ReconnectLog;
  /** Items yielded and not yet settled, across connections: a redelivery of one is not yielded twice. */
  readonly #held = new Map<bigint, Held>();

  constructor(transport: InboxTransport, agentId: string, options: IncomingOptions) {
    this.#t = transport;
    this.#agentId = agentId;
    this.#signal = options.signal;
    this.#policy = { ...RECONNECT_POLICY, ...options.reconnect };
    this.#clock = options.clock ?? transport.clock;
    const logger = componentLogger(options.logger ?? silentLogger, "router_client").child({ agent_id: agentId });
    this.#log = new ReconnectLog(logger, this.#clock);
  }

  /** `fastPath()`: whether to try the session first (false once the server said it does not offer it). */
  async *items(fastPath: () => boolean): AsyncGenerator<DeliveredItem, void, undefined> {
    if (fastPath() && (yield* this.#reconnecting(() => this.#sessionOnce()))) return;
    yield* this.#reconnecting(() => this.#canonicalOnce());
  }

  /**
   * Runs `connect` until the signal aborts, again after every end or transient failure, with
   * backoff. Returns false when `connect` says the transport is not offered.
   */
  async *#reconnecting(
    connect: () => AsyncGenerator<DeliveredItem | "opened", boolean, undefined>,
  ): AsyncGenerator<DeliveredItem, boolean, undefined> {
    const signal = this.#signal;
    let failures = 0;
    while (!signal?.aborted) {
      let error: Sw4rmError | undefined;
      try {
        const offered = yield* this.#connected(connect(), () => {
          failures = 0;
        });
        if (!offered) return false;
      } catch (thrown) {
        if (signal?.aborted) return true;
        error = Sw4rmError.from(thrown);
        if (!isReconnectable(error)) throw error;
      }
      if (signal?.aborted) return true;
      failures += 1;
      const delayMs = backoffDelay(this.#policy, failures);
      this.#log.failed(error, delayMs);
      try {
        await sleep(delayMs, { clock: this.#clock, ...(signal ? { signal } : {}) });
      } catch {
        return true; // aborted
      }
    }
    return true;
  }

  /** Passes a connection's items through, noting the first one (or an opened session) as "connected". */
  async *#connected(
    connection: AsyncGenerator<DeliveredItem | "opened", boolean, undefined>,
    reset: () => void,
  ): AsyncGenerator<DeliveredItem, boolean, undefined> {
    try {
      for (;;) {
        const next = await connection.next();
        if (next.done) return next.value;
        reset();
        this.#log.connected();
        if (next.value !== "opened") yield next.value;
      }
    } finally {
      await connection.return(true); // the consumer stopped early: close the stream or session
    }
  }

  /** One receiving fast-path session; false when the server does not offer it. */
  async *#sessionOnce(): AsyncGenerator<DeliveredItem | "opened", boolean, undefined> {
    const session = await this.#t.openSession(this.#agentId, this.#signal);
    if (!session) return false;
    try {
      yield "opened";
      for await (const d of session.deliveries()) {
        const route: Settle = (outcome, options) =>
          session.closed
            ? this.#ackRpc(d.seq, d.envelope.messageId, outcome, options)
            : // The session may die with the ack in flight; AckDelivery is idempotent, so ask again.
              (outcome === DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED ? d.ack(options) : d.term(options)).catch(
                (error: unknown) => {
                  if (!session.closed) throw error;
                  return this.#ackRpc(d.seq, d.envelope.messageId, outcome, options);
                },
              );
        const item = this.#hold(d.envelope, d.seq, route);
        if (item) yield item;
      }
    } finally {
      session.close();
    }
    return true;
  }

  /** One canonical StreamIncoming (settled with AckDelivery). */
  async *#canonicalOnce(): AsyncGenerator<DeliveredItem, boolean, undefined> {
    for await (const streamed of this.#t.stream(this.#agentId, this.#signal)) {
      const { msg, seq } = streamed;
      if (!msg) continue;
      const item = this.#hold(msg, seq, (outcome, options) => this.#ackRpc(seq, msg.messageId, outcome, options));
      if (item) yield item;
    }
    return true;
  }

  #ackRpc(seq: bigint, messageId: string, outcome: DeliveryAckOutcome, options: CallOptions): Promise<boolean> {
    return this.#t.ackDelivery(this.#agentId, seq, messageId, outcome, options);
  }

  /**
   * A new DeliveredItem for `seq`, or undefined when that seq is already in the consumer's hands (a
   * redelivery after a reconnect): then only its settle route moves to the live connection.
   */
  #hold(envelope: Envelope, seq: bigint, route: Settle): DeliveredItem | undefined {
    const existing = this.#held.get(seq);
    if (existing) {
      existing.settle = route;
      return undefined;
    }
    const held: Held = { settle: route };
    this.#held.set(seq, held);
    let settled = false;
    const settle = async (outcome: DeliveryAckOutcome, options: CallOptions = {}) => {
      if (settled) return false;
      const recorded = await held.settle(outcome, options);
      settled = true;
      this.#held.delete(seq);
      return recorded;
    };
    return {
      agentId: this.#agentId,
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
