/**
 * The delivery hub: each agent's Inbox (read-ahead and leases, kept in memory) and its one active
 * DeliverySession. Admissions and DLQ requeues wake the sessions they concern; acks go through the
 * router's group commit and settle the copy in its inbox.
 */
import { type Clock, DeliveryAckOutcome } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { Admission, Admitted } from "./admission.js";
import type { CommitQueue } from "./commitQueue.js";
import { DeliverySession, type SessionDeps } from "./deliverySession.js";
import type { DeliverySink } from "./deliverySink.js";
import { Inbox } from "./inbox.js";
import type { ResolvedRouterOptions } from "./options.js";
import { leaseKey, type RouterStore } from "./store.js";
import type { LeaseView } from "./sweeper.js";

export interface DeliveryHubDeps {
  readonly store: RouterStore;
  /** The router's group committer (acks share transactions with admissions). */
  readonly commits: CommitQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: ResolvedRouterOptions;
  /** Sessions send FAILED ACKs to producers through it (TTL expiry at dequeue). */
  readonly admission: Admission;
}

export class DeliveryHub implements LeaseView {
  readonly #sessions = new Map<string, DeliverySession>();
  readonly #inboxes = new Map<string, Inbox>();
  readonly #commits: CommitQueue;
  readonly #logger: Logger;
  readonly #readAhead: number;
  readonly #sessionDeps: SessionDeps;
  #closed = false;

  constructor(deps: DeliveryHubDeps) {
    const { store, clock, logger, options, admission } = deps;
    this.#commits = deps.commits;
    this.#logger = logger;
    this.#readAhead = options.readAhead;
    this.#sessionDeps = { store, clock, logger, options, admission };
  }

  /** True once close() has begun: no new delivery streams are opened. */
  get closed(): boolean {
    return this.#closed;
  }

  #inbox(agentId: string): Inbox {
    let inbox = this.#inboxes.get(agentId);
    if (!inbox) {
      inbox = new Inbox(agentId, this.#readAhead);
      this.#inboxes.set(agentId, inbox);
    }
    return inbox;
  }

  /**
   * New copies were committed for `agentIds` (called in commit order). With `admitted` (an admission)
   * caught-up inboxes take the copies without reading them back; without it (a DLQ requeue) the
   * inboxes read their queue again.
   */
  wake(agentIds: readonly string[], admitted?: Admitted): void {
    if (admitted) {
      const { item } = admitted;
      for (const d of admitted.deliveries)
        this.#inboxes.get(d.agentId)?.admitted({
          agentId: d.agentId,
          seq: d.seq,
          messageId: item.messageId,
          producerId: item.producerId,
          correlationId: item.correlationId,
          lane: item.lane,
          envelope: item.envelope,
          expiresAtMs: item.expiresAtMs,
        });
    } else for (const id of agentIds) this.#inboxes.get(id)?.invalidate();
    for (const id of agentIds) this.#sessions.get(id)?.waker.notify();
  }

  /** Opens the agent's delivery stream on `sink`; returns the session (the caller wires cancellation). */
  open(agentId: string, sink: DeliverySink): DeliverySession | undefined {
    if (this.#closed) {
      sink.end();
      return undefined;
    }
    const previous = this.#sessions.get(agentId);
    const inbox = this.#inbox(agentId);
    const session = new DeliverySession(inbox, sink, this.#sessionDeps);
    this.#sessions.set(agentId, session);
    // One active stream per agent: the old one ends, and its in-flight copies go to the new one.
    previous?.close(true);
    void (async () => {
      if (previous) await previous.done;
      inbox.releaseAll();
      if (!session.closed) session.start();
    })().catch((error: unknown) => {
      this.#logger.error({ err: error, agent_id: agentId }, "could not open delivery stream");
      session.close(true);
    });
    return session;
  }

  /** The stream's call ended (client cancel, session teardown): stop its session. */
  closeSession(session: DeliverySession): void {
    session.close(false);
    if (this.#sessions.get(session.agentId) === session) this.#sessions.delete(session.agentId);
  }

  /** Records a delivery ack; true when the copy existed (see RouterStore.ackBatch). */
  async ack(agentId: string, seq: bigint, messageId: string, outcome: DeliveryAckOutcome): Promise<boolean> {
    const kind =
      outcome === DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE ? "permanent_failure" : "delivered";
    const inbox = this.#inboxes.get(agentId);
    const attempts = inbox?.leaseOf(seq)?.attempts;
    const result = await this.#commits.ack({ agentId, seq, messageId, outcome: kind, attempts });
    if (result === "recorded") {
      inbox?.settle(seq);
      this.#sessions.get(agentId)?.waker.notify();
    } else this.#logger.debug({ agent_id: agentId, seq: seq.toString(), message_id: messageId }, "ack not recorded");
    return result === "recorded";
  }

  leasedKeys(nowMs: number): Set<string> {
    const leased = new Set<string>();
    for (const inbox of this.#inboxes.values())
      for (const seq of inbox.leasedSeqs(nowMs)) leased.add(leaseKey(inbox.agentId, seq));
    return leased;
  }

  settled(agentId: string, messageId: string): void {
    this.#inboxes.get(agentId)?.settleMessage(messageId);
  }

  /** Ends every stream (OK status) and waits for their loops to exit. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const s of all) s.close(true);
    await Promise.all(all.map((s) => s.done));
  }
}
