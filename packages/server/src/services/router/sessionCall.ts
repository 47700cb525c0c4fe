/** One RouterSession stream: the open handshake, batched sends/acks, credit-windowed deliveries. */
import { randomUUID } from "node:crypto";
import {
  DeliveryAckOutcome,
  Envelope,
  ErrorCode,
  GrpcStatus,
  type routerSession,
  Sw4rmError,
  validationError,
} from "@sw4rm/protocol";
import type { Principal } from "../../contracts.js";
import { storageFailure } from "../../storage/storageErrors.js";
import type { DeliverySession } from "./deliverySession.js";
import type { DeliverySink } from "./deliverySink.js";
import { reason } from "./reasons.js";
import type { SessionCore, SessionDuplex } from "./sessionCore.js";
import type { Lane } from "./store.js";
import { undecodableReason } from "../../grpc/undecodable.js";


/** Sends admitted concurrently per session before the server stops reading (transport backpressure). */
const MAX_PENDING_SENDS = 4096;

type Frame = routerSession.ServerFrame;

export class SessionCall {
  readonly #call: SessionDuplex;
  readonly #core: SessionCore;
  #agentId: string | undefined;
  #principal: Principal | undefined;
  #credit = 0;
  #delivery: DeliverySession | undefined;
  #pending = 0;
  #paused = false;
  #ended = false;
  #results: routerSession.SendResult[] = [];
  #ackResults: routerSession.AckResult[] = [];
  #flushScheduled = false;
  #clientDone = false;

  constructor(call: SessionDuplex, core: SessionCore) {
    this.#call = call;
    this.#core = core;
  }

  start(): void {
    this.#call.on("data", (frame: routerSession.ClientFrame) => this.#onFrame(frame));
    this.#call.on("end", () => {
      this.#clientDone = true;
      this.#maybeFinish();
    });
    this.#call.on("cancelled", () => this.#teardown());
    this.#call.on("error", () => this.#teardown());
  }

  #fail(error: Sw4rmError): void {
    if (this.#ended) return;
    this.#teardown();
    this.#call.emit("error", error.toServiceError());
  }

  #teardown(): void {
    this.#ended = true;
    if (this.#delivery) this.#core.closeDelivery(this.#delivery);
    this.#delivery = undefined;
  }

  #onFrame(frame: routerSession.ClientFrame): void {
    if (this.#ended) return;
    try {
      const undecodable = undecodableReason(frame);
      if (undecodable)
        throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, undecodable, { grpcStatus: GrpcStatus.INVALID_ARGUMENT });
      if (this.#agentId === undefined) {
        if (!frame.open) throw validationError("frame", "the first ClientFrame must be `open` (agent_id, receive)");
        this.#open(frame.open);
      } else if (frame.open) throw validationError("open", "sent twice; a session is opened once");
      else if (this.#reauthenticate() && frame.send) this.#send(frame.send.sends);
      else if (frame.ack) this.#ack(frame.ack.acks);
      else if (frame.credit) this.#grant(frame.credit.grant);
      else throw validationError("frame", "empty ClientFrame (set one of open, send, ack, credit)");
    } catch (error) {
      this.#fail(Sw4rmError.from(error));
    }
  }

  /**
   * Re-reads the caller's credential on every frame, so a JWT that expires or a token revoked while
   * the session is open stops it (principal() throws UNAUTHENTICATED) instead of living on.
   */
  #reauthenticate(): true {
    if (this.#core.guard?.enabled) this.#principal = this.#core.guard.principal(this.#call);
    return true;
  }

  #checkBatch(n: number, what: string): void {
    const max = this.#core.options.maxBatch;
    if (n > max) throw validationError(what, `batch of ${n} exceeds max_batch ${max}; split it`);
  }

  #open(open: routerSession.Open): void {
    const agentId = open.agentId.trim();
    if (agentId === "") throw validationError("open.agent_id", "is required (the agent this session acts for)");
    const guard = this.#core.guard;
    this.#principal = guard?.principal(this.#call);
    const denied = guard?.checkActAs(this.#principal, agentId, "open a router session");
    if (denied) throw denied;
    this.#agentId = agentId;
    const { maxBatch, maxInFlightPerStream } = this.#core.options;
    this.#write({ opened: { sessionId: randomUUID(), maxBatch, maxInFlight: maxInFlightPerStream } });
    if (open.receive) {
      this.#credit = open.initialCredit;
      this.#delivery = this.#core.openDelivery(agentId, this.#sink());
    }
  }

  #sink(): DeliverySink {
    const call = this.#call;
    const credit = () => this.#credit;
    return {
      get credit() {
        return credit();
      },
      write: (batch) => {
        this.#credit -= batch.length;
        return call.write({ deliveries: { items: batch.map((d) => ({ seq: d.seq, envelope: d.envelope })) } });
      },
      onDrain(fn) {
        call.on("drain", fn);
        return () => call.off("drain", fn);
      },
      end: () => {
        if (!this.#ended) {
          this.#ended = true;
          call.end();
        }
      },
    };
  }

  #grant(grant: number): void {
    if (!this.#delivery)
      throw validationError("credit", "this session was opened with receive=false; credit has no effect");
    this.#credit += grant;
    this.#delivery.waker.notify();
  }

  #lane(value: number): Lane | undefined {
    if (value === 0) return undefined;
    if (value === 1 || value === 2 || value === 3) return value as Lane;
    throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, `communication_class must be 0 (unset) or 1..3, got ${value}`, {
      grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    });
  }

  #send(sends: readonly routerSession.Send[]): void {
    this.#checkBatch(sends.length, "send.sends");
    for (const send of sends) {
      this.#pending++;
      void this.#admit(send).then((result) => {
        this.#pending--;
        this.#results.push(result);
        this.#scheduleFlush();
      });
    }
    if (this.#pending >= MAX_PENDING_SENDS && !this.#paused) {
      this.#paused = true;
      this.#call.pause();
    }
  }

  async #admit(send: routerSession.Send): Promise<routerSession.SendResult> {
    const refuse = (code: ErrorCode, text: string) => ({
      ref: send.ref,
      accepted: false,
      reason: reason(code, text),
      errorCode: code,
    });
    let envelope: Envelope;
    try {
      envelope = Envelope.decode(send.envelope);
    } catch (error) {
      return refuse(ErrorCode.VALIDATION_ERROR, `envelope: not a valid sw4rm.common.Envelope (${String(error)})`);
    }
    const denied = this.#core.guard?.checkActAs(this.#principal, envelope.producerId, "send as producer");
    if (denied) return refuse(ErrorCode.PERMISSION_DENIED, denied.message);
    try {
      const lane = this.#lane(send.communicationClass);
      const r = await this.#core.admission.submit(envelope, { to: send.to, lane, rawEnvelope: send.envelope });
      return { ref: send.ref, accepted: r.accepted, reason: r.reason, errorCode: r.accepted ? 0 : r.code };
    } catch (error) {
      // Disk full / unwritable store: OVERLOADED with what to do, as on SendMessage.
      const e = storageFailure(error, { operation: "send refused, nothing was stored", store: this.#core.describeStore() }) ?? Sw4rmError.from(error);
      if (e.code === ErrorCode.INTERNAL_ERROR)
        this.#core.logger.error({ err: error, message_id: envelope.messageId }, "session send failed");
      return refuse(e.code, e.message);
    }
  }

  #ack(acks: readonly routerSession.Ack[]): void {
    this.#checkBatch(acks.length, "ack.acks");
    const agentId = this.#agentId ?? "";
    for (const a of acks) {
      this.#pending++;
      const done = (recorded: boolean) => {
        this.#pending--;
        this.#ackResults.push({ seq: a.seq, recorded });
        this.#scheduleFlush();
      };
      if (a.seq <= 0n || a.messageId === "" || DeliveryAckOutcome[a.outcome] === undefined) {
        done(false);
        continue;
      }
      this.#core.ack(agentId, a.seq, a.messageId, a.outcome).then(done, (error: unknown) => {
        const storage = storageFailure(error, { operation: "ack not recorded (the item stays un-acked)", store: this.#core.describeStore() });
        if (storage) this.#core.logger.warn({ agent_id: agentId, reason: storage.message }, "session ack refused");
        else this.#core.logger.error({ err: error, agent_id: agentId }, "session ack failed");
        done(false);
      });
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Results that complete in the same turn (one group commit) leave in one frame.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#ended) return;
    if (this.#results.length > 0) {
      const results = this.#results;
      this.#results = [];
      this.#write({ results: { results } });
    }
    if (this.#ackResults.length > 0) {
      const results = this.#ackResults;
      this.#ackResults = [];
      this.#write({ ackResults: { results } });
    }
    if (this.#paused && this.#pending < MAX_PENDING_SENDS / 2) {
      this.#paused = false;
      this.#call.resume();
    }
    this.#maybeFinish();
  }

  /** The client half-closed: finish once every pending send/ack has been answered. */
  #maybeFinish(): void {
    if (!this.#clientDone || this.#ended || this.#pending > 0 || this.#flushScheduled) return;
    this.#teardown();
    this.#call.end();
  }

  #write(frame: Frame): void {
    if (!this.#ended) this.#call.write(frame);
  }
}
