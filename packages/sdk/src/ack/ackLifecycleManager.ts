import {
  type Ack,
  AckStage,
  ackStageName,
  buildAckEnvelope,
  type Clock,
  DEFAULTS,
  type Envelope,
  type EnvelopeFactory,
  ErrorCode,
  isTerminalAckStage,
  parseAck,
  Sw4rmError,
  systemClock,
  type TimerHandle,
} from "@sw4rm/protocol";
import type { PersistentActivityBuffer } from "../activity/activityBuffer.js";
import type { SendResult } from "../clients/sendResult.js";
import { componentLogger, type Logger, silentLogger } from "../logger.js";
import { abortedError } from "../transport/abort.js";

export interface AckEvent {
  readonly ack: Ack;
  /** The ACK envelope's producer (normally the recipient of the acknowledged message). */
  readonly from: string;
  readonly atMs: number;
  /** True when the acknowledged message had already reached a terminal state (spec §11.1). */
  readonly late: boolean;
}

export interface SendWithAckOptions {
  readonly to: string | readonly string[];
  /** Resolve once this stage (or any later or terminal stage) arrives. Default RECEIVED. */
  readonly until?: AckStage;
  /** Default 10 s (DEFAULTS.ackTimeoutMs). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface AckLifecycleOptions {
  readonly factory: EnvelopeFactory;
  /** Sends an envelope through the router (RouterClient.send). */
  readonly send: (envelope: Envelope, to: readonly string[]) => Promise<SendResult>;
  /** Where sent/received records and ACK stages are kept (needed for sendAck and reconcileAcks). */
  readonly buffer?: PersistentActivityBuffer;
  readonly clock?: Clock;
  readonly ackTimeoutMs?: number;
  readonly logger?: Logger;
}

interface Waiter {
  readonly until: AckStage;
  readonly from: ReadonlySet<string>;
  readonly resolve: (event: AckEvent) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: TimerHandle;
  /** Removes the abort listener from the caller's signal (which may outlive many sends). */
  readonly detach: () => void;
}

/**
 * Sender-side ACK tracking (spec §11, §11.1): send and wait for a real ACK from the recipient, time
 * out with ACK_TIMEOUT, record late ACKs without changing the terminal state, and reconcile stale sends.
 */
export class AckLifecycleManager {
  readonly #o: AckLifecycleOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #waiters = new Map<string, Waiter>();
  readonly #timedOutAt = new Map<string, number>();
  readonly #history: AckEvent[] = [];
  readonly #lateAcks: (AckEvent & { readonly timedOutAtMs: number | undefined })[] = [];
  readonly #listeners = new Set<(event: AckEvent) => void>();

  constructor(options: AckLifecycleOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = componentLogger(options.logger ?? silentLogger, "ack_lifecycle");
  }

  get ackTimeoutMs(): number {
    return this.#o.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs;
  }

  /** Every ACK seen, in arrival order. */
  get history(): readonly AckEvent[] {
    return this.#history;
  }

  /** ACKs that arrived after their message was terminal (TIMED_OUT etc.), with the timeout time. */
  get lateAcks(): readonly (AckEvent & { readonly timedOutAtMs: number | undefined })[] {
    return this.#lateAcks;
  }

  /** Subscribes to ACK arrivals; returns an unsubscribe function. */
  onAck(listener: (event: AckEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Sends `envelope` and resolves with the first ACK from a recipient that reaches `until` (or any
   * terminal stage). Rejects with ACK_TIMEOUT after the timeout; with the refusal's ErrorCode when the
   * router refuses the send (`retryable` is true for BUFFER_FULL / OVERLOADED); with CANCELLED
   * (reason "aborted") when the signal aborts.
   */
  async sendMessageWithAck(envelope: Envelope, options: SendWithAckOptions): Promise<AckEvent> {
    const to = typeof options.to === "string" ? [options.to] : [...options.to];
    const timeoutMs = options.timeoutMs ?? this.ackTimeoutMs;
    const { signal } = options;
    if (signal?.aborted) throw abortedError(signal, `send of ${envelope.messageId}`);
    this.#o.buffer?.recordOutgoing(envelope, to);
    const id = envelope.messageId;
    const done = new Promise<AckEvent>((resolve, reject) => {
      const onAbort = () => {
        this.#settle(id)?.timer.cancel();
        if (signal) reject(abortedError(signal, `wait for the ACK of ${id}`));
      };
      const detach = () => signal?.removeEventListener("abort", onAbort);
      const timer = this.#clock.setTimer(timeoutMs, () => {
        detach();
        if (!this.#settle(id)) return;
        this.#timedOutAt.set(id, this.#clock.now());
        this.#o.buffer?.ack(id, AckStage.TIMED_OUT, ErrorCode.ACK_TIMEOUT, "ack_timeout");
        reject(
          new Sw4rmError(
            ErrorCode.ACK_TIMEOUT,
            `no ACK for message ${id} from ${to.join(",")} within ${timeoutMs} ms`,
            {
              reason: "ack_timeout",
            },
          ),
        );
      });
      this.#waiters.set(id, {
        until: options.until ?? AckStage.RECEIVED,
        from: new Set(to),
        resolve: (e) => {
          detach();
          resolve(e);
        },
        reject: (e) => {
          detach();
          reject(e);
        },
        timer,
        detach,
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    // It may settle (abort) while the send below is still in flight: handled here, returned below.
    done.catch(() => undefined);
    try {
      const res = await this.#o.send(envelope, to);
      if (!res.accepted) {
        // The router's own code (a retryable BUFFER_FULL stays retryable, NO_ROUTE stays NO_ROUTE).
        this.#o.buffer?.ack(id, AckStage.REJECTED, res.errorCode, res.reason);
        throw new Sw4rmError(res.errorCode, `router refused message ${id}: ${res.reason}`, { reason: res.reason });
      }
    } catch (error) {
      const w = this.#settle(id);
      w?.timer.cancel();
      w?.detach();
      throw Sw4rmError.from(error);
    }
    return done;
  }

  /**
   * Feeds an incoming ACKNOWLEDGEMENT envelope: records it, resolves a waiting send, and treats ACKs
   * for terminal messages as late (recorded and logged; state unchanged, spec §11.1).
   */
  handleAck(envelope: Envelope): AckEvent {
    const ack = parseAck(envelope);
    const id = ack.ackForMessageId;
    const updated = this.#o.buffer?.ack(id, ack.ackStage, ack.errorCode, ack.note);
    const late = updated?.late === true || (this.#timedOutAt.has(id) && !this.#waiters.has(id));
    const event: AckEvent = { ack, from: envelope.producerId, atMs: this.#clock.now(), late };
    this.#history.push(event);
    if (late) {
      const timedOutAtMs = this.#timedOutAt.get(id);
      this.#lateAcks.push({ ...event, timedOutAtMs });
      this.#logger.warn(
        {
          message_id: id,
          stage: ackStageName(ack.ackStage),
          timed_out_at_ms: timedOutAtMs,
          late_at_ms: event.atMs,
        },
        "late ACK",
      );
    }
    const waiter = this.#waiters.get(id);
    if (waiter && (waiter.from.size === 0 || waiter.from.has(event.from))) {
      if (ack.ackStage >= waiter.until || isTerminalAckStage(ack.ackStage)) {
        this.#settle(id);
        waiter.timer.cancel();
        waiter.resolve(event);
      }
    }
    for (const l of this.#listeners) l(event);
    return event;
  }

  /** Sends an ACK for a received message to its producer (needs the activity buffer to know the producer). */
  async sendAck(
    messageId: string,
    stage: AckStage,
    note = "",
    errorCode = ErrorCode.ERROR_CODE_UNSPECIFIED,
  ): Promise<void> {
    const record = this.#o.buffer?.get(messageId);
    if (record?.direction !== "in")
      throw new Sw4rmError(
        ErrorCode.VALIDATION_ERROR,
        `no received message ${messageId} in the activity buffer to acknowledge`,
        {
          field: "ack_for_message_id",
        },
      );
    const ack = buildAckEnvelope(this.#o.factory, {
      ackFor: messageId,
      stage,
      errorCode,
      note,
      correlationId: record.correlationId,
    });
    this.#o.buffer?.ack(messageId, stage, errorCode, note);
    const res = await this.#o.send(ack, [record.producerId]);
    if (!res.accepted)
      throw new Sw4rmError(res.errorCode, `router refused ACK for ${messageId}: ${res.reason}`, { reason: res.reason });
  }

  /** Outgoing messages without a terminal ACK past the timeout (e.g. after a restart): marked TIMED_OUT and returned for retry. */
  reconcileAcks(): string[] {
    const stale = (this.#o.buffer?.reconcile() ?? []).filter((r) => !this.#waiters.has(r.messageId));
    for (const r of stale) {
      this.#o.buffer?.ack(r.messageId, AckStage.TIMED_OUT, ErrorCode.ACK_TIMEOUT, "ack_timeout (reconciled)");
      this.#timedOutAt.set(r.messageId, this.#clock.now());
    }
    return stale.map((r) => r.messageId);
  }

  /** Rejects every waiting send (on shutdown). */
  close(reason = "agent stopped"): void {
    for (const [id, w] of this.#waiters) {
      w.timer.cancel();
      w.reject(new Sw4rmError(ErrorCode.AGENT_SHUTDOWN, `${reason} while waiting for ACK of ${id}`));
    }
    this.#waiters.clear();
  }

  #settle(id: string): Waiter | undefined {
    const w = this.#waiters.get(id);
    this.#waiters.delete(id);
    return w;
  }
}
