/**
 * Admission (the RouterIngress): validate, resolve recipients, pick the lane, then commit through
 * the group committer. accepted=true is returned only once the commit is durable. Every rejection
 * carries a reason and, when the producer is a registered agent, a REJECTED ACK (NACK) to its inbox
 * (spec §13).
 */
import {
  AckStage,
  acceptsContentType,
  buildAckEnvelope,
  type Clock,
  type Envelope,
  EnvelopeFactory,
  ErrorCode,
  envelopeExpiresAt,
  type MessageLifecycleState,
  MessageType,
  parseAck,
  Sw4rmError,
  validateEnvelope,
} from "@sw4rm/protocol";
import type { AgentDirectory, Logger, RouterIngress, SubmitOptions, SubmitResult } from "../../contracts.js";
import type { CommitQueue } from "./commitQueue.js";
import type { ResolvedRouterOptions } from "./options.js";
import { duplicateReason, laneOf, reason, reasonCode } from "./reasons.js";
import type { AdmitItem, Lane, QueuedDelivery, RouterStore } from "./store.js";
import { encodeEnvelope } from "./wire.js";

/** An in-process recipient (a server component); it must not throw for envelopes it does not expect. */
export type LocalRecipient = (envelope: Envelope) => void | Promise<void>;

/** A committed admission: the item and the copies (recipient, seq) it queued. */
export interface Admitted {
  readonly item: AdmitItem;
  readonly deliveries: readonly QueuedDelivery[];
}

/** What the gRPC layer adds to SubmitOptions: the class override and the bytes as received. */
export interface RouterSubmitOptions extends SubmitOptions {
  readonly lane?: Lane;
  readonly rawEnvelope?: Uint8Array;
}

export interface AdmissionDeps {
  readonly store: RouterStore;
  /** The router's group committer (admissions share transactions with acks). */
  readonly commits: CommitQueue;
  readonly directory: AgentDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: ResolvedRouterOptions;
  /**
   * Called after a commit with the agents that got new copies (wakes their streams), in commit order,
   * with the admitted item so caught-up inboxes can take the copy without reading it back.
   */
  readonly onQueued: (agentIds: readonly string[], admitted?: Admitted) => void;
  readonly onReject?: (code: ErrorCode) => void;
}

class Rejection extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly text: string,
  ) {
    super(text);
  }
}

const STAGE_STATE: Partial<Record<AckStage, MessageLifecycleState>> = {
  [AckStage.RECEIVED]: "RECEIVED",
  [AckStage.READ]: "READ",
  [AckStage.FULFILLED]: "FULFILLED",
  [AckStage.REJECTED]: "REJECTED",
  [AckStage.FAILED]: "FAILED",
  [AckStage.TIMED_OUT]: "TIMED_OUT",
};

export class Admission implements RouterIngress {
  readonly #d: AdmissionDeps;
  readonly #factory: EnvelopeFactory;
  readonly #local = new Map<string, LocalRecipient>();

  constructor(deps: AdmissionDeps) {
    this.#d = deps;
    this.#factory = new EnvelopeFactory({ producerId: deps.options.routerId, clock: deps.clock });
  }

  /**
   * Routes envelopes addressed to `agentId` (explicitly, or as ACKs of its messages) to an in-process
   * server component such as the scheduler instead of a queue. Such components keep their own durable
   * state, so a handoff lost in a crash is recovered by them (the scheduler re-dispatches on restart).
   */
  attachLocal(agentId: string, handler: LocalRecipient): () => void {
    this.#local.set(agentId, handler);
    return () => {
      if (this.#local.get(agentId) === handler) this.#local.delete(agentId);
    };
  }

  async #localTarget(envelope: Envelope, options: RouterSubmitOptions): Promise<[string, LocalRecipient] | undefined> {
    if (this.#local.size === 0) return undefined;
    const to = (options.to ?? []).map((a) => a.trim()).filter((a) => a !== "");
    let id: string | undefined;
    if (to.length === 1) id = to[0];
    else if (to.length === 0 && envelope.messageType === MessageType.ACKNOWLEDGEMENT) {
      try {
        id = await this.#d.store.producerOf(parseAck(envelope).ackForMessageId);
      } catch {
        return undefined; // malformed ACKs take the normal path and are rejected there
      }
    }
    const handler = id === undefined ? undefined : this.#local.get(id);
    return id !== undefined && handler ? [id, handler] : undefined;
  }

  async submit(envelope: Envelope, options: RouterSubmitOptions = {}): Promise<SubmitResult> {
    const log = this.#d.logger.child({ correlation_id: envelope.correlationId, message_id: envelope.messageId });
    try {
      const local = await this.#localTarget(envelope, options);
      if (local) {
        this.#validate(envelope, this.#d.clock.now());
        await local[1](envelope);
        log.debug({ recipient: local[0] }, "handed to in-process recipient");
        return { accepted: true, reason: "", code: ErrorCode.ERROR_CODE_UNSPECIFIED, recipients: [local[0]] };
      }
      const item = await this.#prepare(envelope, options);
      const outcome = await this.#d.commits.admit(item);
      if (outcome.kind === "accepted") {
        const recipients = outcome.deliveries.map((d) => d.agentId);
        this.#d.onQueued(recipients, { item, deliveries: outcome.deliveries });
        log.debug({ recipients, lane: item.lane }, "admitted");
        return { accepted: true, reason: "", code: ErrorCode.ERROR_CODE_UNSPECIFIED, recipients };
      }
      if (outcome.kind === "duplicate") {
        // spec §19: dedup decisions are logged with the original message id.
        log.info({ original_message_id: outcome.originalMessageId, status: outcome.originalStatus }, "deduplicated");
        const code = outcome.inProgress ? ErrorCode.ALREADY_IN_PROGRESS : ErrorCode.DUPLICATE_DETECTED;
        throw new Rejection(code, duplicateReason(outcome));
      }
      throw new Rejection(
        ErrorCode.BUFFER_FULL,
        reason(
          ErrorCode.BUFFER_FULL,
          `inbound buffer of ${outcome.agents.map((a) => `"${a}"`).join(", ")} is full (${outcome.capacity} un-acked messages); retry later`,
        ),
      );
    } catch (error) {
      const rejection =
        error instanceof Rejection
          ? error
          : Sw4rmError.is(error) && error.code !== ErrorCode.INTERNAL_ERROR
            ? new Rejection(error.code, reason(error.code, error.message))
            : undefined;
      if (!rejection) throw error;
      log.info({ code: reasonCode(rejection.code), reason: rejection.text }, "rejected");
      this.#d.onReject?.(rejection.code);
      if (!options.system) await this.#nack(envelope, rejection, log);
      return { accepted: false, reason: rejection.text, code: rejection.code, recipients: [] };
    }
  }

  /** The spec's envelope rules (incl. TTL at admission), the same for queued and in-process recipients. */
  #validate(envelope: Envelope, nowMs: number): void {
    const problem = validateEnvelope(envelope, { payloadLimits: this.#d.options.payloadLimits, nowMs });
    if (problem) throw new Rejection(problem.code, reason(problem.code, problem.message));
  }

  async #prepare(envelope: Envelope, options: RouterSubmitOptions): Promise<AdmitItem> {
    const now = this.#d.clock.now();
    this.#validate(envelope, now);
    const isAck = envelope.messageType === MessageType.ACKNOWLEDGEMENT;
    const ack = isAck ? parseAck(envelope) : undefined;
    const explicit = [...new Set((options.to ?? []).map((a) => a.trim()).filter((a) => a !== ""))];
    // spec §1.4: an ACK without recipient goes back to the producer of the message it acknowledges.
    const ackProducer = ack && explicit.length === 0 ? await this.#d.store.producerOf(ack.ackForMessageId) : undefined;
    if (ack && explicit.length === 0) {
      if (ackProducer === undefined)
        throw new Rejection(
          ErrorCode.NO_ROUTE,
          reason(
            ErrorCode.NO_ROUTE,
            `ACK for unknown message "${ack.ackForMessageId}" and no sw4rm-to recipient given`,
          ),
        );
      explicit.push(ackProducer);
    }
    const recipients = this.#recipients(envelope, explicit, options.system === true);
    const state = ack ? STAGE_STATE[ack.ackStage] : undefined;
    return {
      messageId: envelope.messageId,
      producerId: envelope.producerId,
      correlationId: envelope.correlationId,
      idempotencyToken: envelope.idempotencyToken,
      sequenceNumber: envelope.sequenceNumber,
      retryCount: envelope.retryCount,
      messageType: envelope.messageType,
      contentType: envelope.contentType,
      envelope: options.rawEnvelope ?? encodeEnvelope(envelope),
      payloadSize: envelope.payload.byteLength,
      recipients,
      lane: options.lane ?? laneOf(this.#d.directory.get(envelope.producerId)?.descriptor.communicationClass),
      admittedAtMs: now,
      expiresAtMs: envelopeExpiresAt(envelope, now),
      capacity: options.system ? undefined : this.#d.options.inboundBufferCapacity,
      dedupWindowMs: this.#d.options.dedupWindowMs,
      ackFor: ack && state ? { messageId: ack.ackForMessageId, state } : undefined,
    };
  }

  /** Addressing rules: explicit recipients (sw4rm-to or ACK producer) must exist and accept the type, else broadcast. */
  #recipients(envelope: Envelope, explicit: readonly string[], system: boolean): string[] {
    const dir = this.#d.directory;
    if (explicit.length > 0) {
      for (const id of explicit) {
        const agent = dir.get(id);
        if (!agent) throw new Rejection(ErrorCode.NO_ROUTE, reason(ErrorCode.NO_ROUTE, `no registered agent "${id}"`));
        const mods = agent.descriptor.modalitiesSupported;
        if (!system && !acceptsContentType(mods, envelope.contentType))
          throw new Rejection(
            ErrorCode.VALIDATION_ERROR,
            reason(
              ErrorCode.VALIDATION_ERROR,
              `content_type: agent "${id}" does not accept "${envelope.contentType}" (modalities_supported: ${mods.join(", ") || "none"})`,
            ),
          );
      }
      return [...explicit];
    }
    // Broadcast: every other registered agent that accepts the content type gets an independent copy.
    const targets = dir
      .list()
      .filter((a) => a.descriptor.agentId !== envelope.producerId)
      .filter((a) => acceptsContentType(a.descriptor.modalitiesSupported, envelope.contentType))
      .map((a) => a.descriptor.agentId);
    if (targets.length === 0)
      throw new Rejection(
        ErrorCode.NO_ROUTE,
        reason(
          ErrorCode.NO_ROUTE,
          `no sw4rm-to recipient and no other registered agent accepts "${envelope.contentType}"`,
        ),
      );
    return targets;
  }

  async #nack(envelope: Envelope, rejection: Rejection, log: Logger): Promise<void> {
    await this.notifyProducer(envelope.producerId, envelope.messageId, envelope.correlationId, {
      stage: AckStage.REJECTED,
      code: rejection.code,
      note: rejection.text,
      log,
    });
  }

  /** Sends a router-originated ACK (REJECTED/FAILED) to a registered producer; never NACKs a NACK. */
  async notifyProducer(
    producerId: string,
    messageId: string,
    correlationId: string,
    ack: { stage: AckStage; code: ErrorCode; note: string; log?: Logger },
  ): Promise<void> {
    if (producerId === this.#d.options.routerId || !this.#d.directory.get(producerId)) return;
    const build = (cid: string | undefined) =>
      buildAckEnvelope(this.#factory, { ackFor: messageId, stage: ack.stage, errorCode: ack.code, note: ack.note, correlationId: cid });
    let nack = build(correlationId);
    // A rejected message may carry an invalid correlation_id (that can be why it was rejected); the
    // NACK must still be valid, so it then starts a correlation of its own (ack_for names the message).
    if (validateEnvelope(nack, { nowMs: this.#d.clock.now() })?.field === "correlation_id") nack = build(undefined);
    try {
      const result = await this.submit(nack, { to: [producerId], system: true });
      if (!result.accepted) (ack.log ?? this.#d.logger).warn({ reason: result.reason }, "could not queue NACK");
    } catch (error) {
      (ack.log ?? this.#d.logger).error({ err: error }, "could not queue NACK");
    }
  }
}
