/**
 * The Agent's inbox loop: each delivery is handled (ACKs dispatched to the ACK tracker, everything
 * else deduplicated and processed with the ACK lifecycle) and only then settled. A delivery the agent
 * could not finish because the router was unreachable (terminal ACK or AckDelivery lost) is finished
 * again in the background, with backoff, until it is settled or the agent stops, while the inbox
 * reconnects: it is never dropped, and its redelivery cannot run the handler a second time.
 */
import {
  buildAckEnvelope,
  type Clock,
  type Envelope,
  type EnvelopeFactory,
  errorCodeName,
  isTerminalAckStage,
  MessageType,
  sleep,
  Sw4rmError,
} from "@sw4rm/protocol";
import type { AckLifecycleManager } from "../ack/ackLifecycleManager.js";
import { dedupKeyOf, type PersistentActivityBuffer } from "../activity/activityBuffer.js";
import type { DeliveredItem } from "../clients/deliveredItem.js";
import { isReconnectable, RECONNECT_LOG_INTERVAL_MS, RECONNECT_POLICY } from "../clients/reconnect.js";
import type { Logger } from "../logger.js";
import { backoffDelay } from "../transport/retry.js";
import { type MessageProcessor, outcomeOfError } from "./messageProcessor.js";
import type { RouterPort } from "./ports.js";
import { ReceivedMessage } from "./receivedMessage.js";
import { parseControlCommand } from "./taskRunner.js";

export interface InboxConsumerDeps {
  readonly agentId: string;
  readonly router: RouterPort;
  readonly envelopes: EnvelopeFactory;
  readonly acks: AckLifecycleManager;
  readonly buffer: PersistentActivityBuffer;
  readonly processor: MessageProcessor;
  readonly clock: Clock;
  /** The agent's logger (component "agent"). */
  readonly log: Logger;
  /** Passed to the router client for its reconnect lines (it binds its own component). */
  readonly routerLog: Logger;
  /** Aborted by agent.stop(). */
  readonly signal: AbortSignal;
}

export class InboxConsumer {
  readonly #d: InboxConsumerDeps;
  /** Deliveries being handled, by seq (stop() waits for them). */
  readonly inFlight = new Map<string, Promise<void>>();
  #lastRetryLineMs = Number.NEGATIVE_INFINITY;

  constructor(deps: InboxConsumerDeps) {
    this.#d = deps;
  }

  async run(): Promise<void> {
    const { signal } = this.#d;
    try {
      for await (const item of this.#d.router.incoming(this.#d.agentId, { signal, logger: this.#d.routerLog })) {
        if (signal.aborted) break;
        const key = `${item.seq}`;
        let firstAttempt: () => void = () => undefined;
        const attempted = new Promise<void>((resolve) => {
          firstAttempt = resolve;
        });
        const work = this.#settleEventually(item, firstAttempt).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, work);
        // One delivery at a time; a settle retried after a lost connection continues in the background
        // (the inbox must reconnect meanwhile: the redelivery carries the live route for its ack).
        // Scheduler tasks run in the background so PREEMPT_REQUEST / TERMINATE can reach them.
        if (!isRunCommand(item.envelope)) await Promise.race([work, attempted]);
      }
    } catch (error) {
      if (!signal.aborted)
        this.#d.log.error({ err: error }, "inbox closed: this agent no longer receives messages (restart it once fixed)");
    }
  }

  /**
   * Handles `item` and settles it, finishing again after transport failures until settled or stopped.
   * `firstAttempt` is called once the first try has ended, either way.
   */
  async #settleEventually(item: DeliveredItem, firstAttempt: () => void): Promise<void> {
    const { signal } = this.#d;
    const env = item.envelope;
    let handled = false;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!handled) await this.#handle(item);
        handled = true;
        // Only now, with the outcome durable and ACKed, is the delivery settled (exactly-once effects).
        await item.ack();
        firstAttempt();
        return;
      } catch (error) {
        const err = Sw4rmError.from(error);
        const fields = { message_id: env.messageId, seq: item.seq, attempt, err };
        firstAttempt();
        if (signal.aborted || !isReconnectable(err)) {
          this.#d.log.warn(fields, "delivery left un-acked for redelivery");
          return;
        }
        const delayMs = backoffDelay(RECONNECT_POLICY, attempt);
        this.#logRetry({ ...fields, retry_in_ms: delayMs });
        try {
          await sleep(delayMs, { clock: this.#d.clock, signal });
        } catch {
          this.#d.log.warn(fields, "delivery left un-acked for redelivery");
          return; // stopping
        }
      }
    }
  }

  /** Rate-limited like the reconnect lines: one per interval while the router is unreachable. */
  #logRetry(fields: Record<string, unknown>): void {
    const now = this.#d.clock.now();
    if (now - this.#lastRetryLineMs < RECONNECT_LOG_INTERVAL_MS) return;
    this.#lastRetryLineMs = now;
    this.#d.log.warn(fields, "could not finish a delivery (router unreachable?); retrying");
  }

  /** Runs the delivery's effects and sends its ACKs; throws when an ACK could not be sent. */
  async #handle(item: DeliveredItem): Promise<void> {
    const { acks, buffer, envelopes, processor } = this.#d;
    const env = item.envelope;
    envelopes.observe(env);
    if (env.messageType === MessageType.ACKNOWLEDGEMENT) {
      try {
        acks.handleAck(env);
      } catch (error) {
        this.#d.log.warn({ message_id: env.messageId, err: error }, "unreadable ACK dropped");
      }
      return;
    }
    if (await this.#replayIfDone(env)) return;
    try {
      buffer.recordIncoming(env);
    } catch (error) {
      const o = outcomeOfError(error);
      await this.sendAck(
        buildAckEnvelope(envelopes, { ackFor: env, stage: o.stage, errorCode: o.errorCode, note: o.note }),
        env,
      );
      return;
    }
    await processor.processMessage(env, this.#d.signal);
  }

  /** Exactly-once: a logical operation already terminal is only acknowledged again, never re-run. */
  async #replayIfDone(env: Envelope): Promise<boolean> {
    const prior = this.#d.buffer.getByIdempotencyToken(dedupKeyOf(env));
    if (!prior || !isTerminalAckStage(prior.ackStage)) return false;
    this.#d.log.info(
      { message_id: env.messageId, original_message_id: prior.messageId },
      "duplicate of a completed operation: re-sending its ACK",
    );
    const ack = buildAckEnvelope(this.#d.envelopes, {
      ackFor: env,
      stage: prior.ackStage,
      errorCode: prior.errorCode,
      note: prior.note,
    });
    await this.sendAck(ack, env);
    return true;
  }

  /** Sends an ACK to the producer of `original`; a refusal is logged (the router will not take it later either). */
  async sendAck(ack: Envelope, original: Envelope): Promise<void> {
    const res = await this.#d.router.send(ack, { to: [original.producerId] });
    if (!res.accepted)
      this.#d.log.warn(
        {
          ack_for_message_id: original.messageId,
          error_code: errorCodeName(res.errorCode),
          reason: res.reason,
        },
        "ACK not accepted by router",
      );
  }
}

function isRunCommand(env: Envelope): boolean {
  if (env.messageType !== MessageType.CONTROL) return false;
  const cmd = parseControlCommand(new ReceivedMessage(env));
  return cmd?.command === "RUN";
}
