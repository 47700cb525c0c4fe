/**
 * The RouterStore with reference semantics, in memory: for tests and for checking other backends
 * against. Commits are all-or-nothing (memoryTables.ts) and durable at once; nothing survives the
 * process. Decisions come from rules/, as in every backend.
 */
import type { ErrorCode } from "@sw4rm/protocol";
import { type AdmitReads, admitRefusal } from "./rules/admit.js";
import {
  CONSUMER_REJECTED,
  deadLetterAttempts,
  dlqPageSize,
  matchesDlqFilter,
  payloadExcerpt,
  requeueHistory,
} from "./rules/deadLetter.js";
import { dedupCutoff, dedupKey, isInDedupWindow, isRecordExpired } from "./rules/dedup.js";
import { ADMITTED_STATE, advancesLifecycle } from "./rules/lifecycle.js";
import { MemoryTables, type StoredCopy, type StoredMessage } from "./memoryTables.js";
import {
  type AckItem,
  type AckResult,
  type AdmitItem,
  type AdmitOutcome,
  type CommitBatch,
  type CommitResult,
  commitDurably,
  type Delivery,
  type DlqAttempt,
  type DlqEntry,
  type DlqFilter,
  EXPIRE_BATCH,
  type Lane,
  leaseKey,
  type MessageRecord,
  type QueuedDelivery,
  type RouterStore,
} from "./store.js";

const DURABLE: Promise<void> = Promise.resolve();
const MAX_CORRELATED = 10_000;

const bySeq = (a: { readonly seq: bigint }, b: { readonly seq: bigint }) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);

function toDelivery(c: StoredCopy): Delivery {
  const m = c.message;
  return {
    agentId: c.agentId,
    seq: c.seq,
    messageId: m.messageId,
    producerId: m.producerId,
    correlationId: m.correlationId,
    lane: c.lane,
    envelope: m.envelope,
    expiresAtMs: c.expiresAtMs,
  };
}

/** A snapshot: stored records change in place. */
function toRecord(m: StoredMessage): MessageRecord {
  return {
    messageId: m.messageId,
    producerId: m.producerId,
    correlationId: m.correlationId,
    state: m.state,
    stateAtMs: m.stateAtMs,
    admittedAtMs: m.admittedAtMs,
    lane: m.lane,
    recipients: [...m.recipients],
    pendingDeliveries: m.pendingDeliveries,
    deadLettered: m.deadLettered,
  };
}

export class MemoryRouterStore implements RouterStore {
  readonly #t = new MemoryTables();
  #closed = false;
  readonly #reads: AdmitReads = {
    dedupEntry: (key) => this.#t.dedup.get(key),
    originalRecord: (messageId) => this.#t.messages.get(messageId),
    depth: (agentId) => this.#t.depth(agentId),
  };

  #open(): MemoryTables {
    if (this.#closed) throw new Error("router memory store is closed");
    return this.#t;
  }

  async commit(batch: CommitBatch, nowMs: number): Promise<{ results: CommitResult; durable: Promise<void> }> {
    const results = this.#open().transaction(
      (): CommitResult => ({
        admitted: batch.admits.map((item) => this.#admitOne(item, nowMs)),
        acked: batch.acks.map((item) => this.#ackOne(item, nowMs)),
      }),
    );
    return { results, durable: DURABLE };
  }

  async admit(items: readonly AdmitItem[], nowMs: number): Promise<AdmitOutcome[]> {
    return (await commitDurably(this, { admits: items, acks: [] }, nowMs)).admitted;
  }

  async ackBatch(items: readonly AckItem[], nowMs: number): Promise<AckResult[]> {
    return (await commitDurably(this, { admits: [], acks: items }, nowMs)).acked;
  }

  #admitOne(item: AdmitItem, nowMs: number): AdmitOutcome {
    const t = this.#t;
    const key = dedupKey(item);
    const refused = admitRefusal(item, key, nowMs, this.#reads);
    if (refused) return refused;
    const message: StoredMessage = {
      messageId: item.messageId,
      producerId: item.producerId,
      correlationId: item.correlationId,
      state: ADMITTED_STATE,
      stateAtMs: nowMs,
      admittedAtMs: item.admittedAtMs,
      lane: item.lane,
      recipients: item.recipients,
      pendingDeliveries: item.recipients.length,
      deadLettered: false,
      messageType: item.messageType,
      contentType: item.contentType,
      payloadSize: item.payloadSize,
      envelope: item.envelope,
    };
    t.putMessage(message);
    const deliveries = item.recipients.map((agentId): QueuedDelivery => {
      const seq = t.nextSeq();
      t.addCopy({ agentId, seq, message, lane: item.lane, expiresAtMs: item.expiresAtMs, history: [] });
      return { agentId, seq };
    });
    t.putDedup(key, { messageId: item.messageId, createdAtMs: nowMs });
    if (item.ackFor) {
      const target = t.messages.get(item.ackFor.messageId);
      if (target && advancesLifecycle(target.state, item.ackFor.state))
        t.updateMessage(target, { state: item.ackFor.state, stateAtMs: nowMs });
    }
    return { kind: "accepted", deliveries };
  }

  #ackOne(item: AckItem, nowMs: number): AckResult {
    const copy = this.#t.copy(item.agentId, item.seq);
    if (!copy || copy.message.messageId !== item.messageId) return "unknown";
    if (item.outcome === "permanent_failure")
      this.#deadLetter(copy, CONSUMER_REJECTED.code, CONSUMER_REJECTED.reason, nowMs, item.attempts);
    else {
      this.#t.removeCopy(copy);
      this.#t.updateMessage(copy.message, { pendingDeliveries: copy.message.pendingDeliveries - 1 });
    }
    return "recorded";
  }

  #deadLetter(
    copy: StoredCopy,
    code: ErrorCode,
    reason: string,
    nowMs: number,
    recent: readonly DlqAttempt[] = [],
  ): DlqEntry {
    const t = this.#t;
    const m = copy.message;
    const entry: DlqEntry = {
      id: t.nextDlqId(),
      messageId: m.messageId,
      agentId: copy.agentId,
      producerId: m.producerId,
      correlationId: m.correlationId,
      lane: copy.lane,
      errorCode: code,
      error: reason,
      attempts: deadLetterAttempts(copy.history, recent, nowMs, reason),
      createdAtMs: m.admittedAtMs,
      failedAtMs: nowMs,
      payloadSize: m.payloadSize,
      contentType: m.contentType,
      excerpt: payloadExcerpt(m.envelope),
    };
    t.putDlq({ entry, envelope: m.envelope, messageType: m.messageType });
    t.removeCopy(copy);
    t.updateMessage(m, { pendingDeliveries: m.pendingDeliveries - 1, deadLettered: true });
    return entry;
  }

  async readQueued(agentId: string, lane: Lane, afterSeq: bigint, limit: number): Promise<Delivery[]> {
    const after = [...this.#open().laneCopies(agentId, lane)].filter((c) => c.seq > afterSeq);
    return after.sort(bySeq).slice(0, limit).map(toDelivery);
  }

  async deadLetter(
    agentId: string,
    seq: bigint,
    code: ErrorCode,
    reason: string,
    nowMs: number,
    attempts?: readonly DlqAttempt[],
  ): Promise<DlqEntry | undefined> {
    const t = this.#open();
    return t.transaction(() => {
      const copy = t.copy(agentId, seq);
      return copy && this.#deadLetter(copy, code, reason, nowMs, attempts);
    });
  }

  async expireDue(nowMs: number, code: ErrorCode, reason: string, leased?: ReadonlySet<string>): Promise<DlqEntry[]> {
    const t = this.#open();
    const due = [...t.allCopies()]
      .filter((c) => c.expiresAtMs !== undefined && c.expiresAtMs <= nowMs)
      .sort((a, b) => (a.expiresAtMs ?? 0) - (b.expiresAtMs ?? 0))
      .slice(0, EXPIRE_BATCH)
      .filter((c) => !leased?.has(leaseKey(c.agentId, c.seq)));
    return t.transaction(() => due.map((c) => this.#deadLetter(c, code, reason, nowMs)));
  }

  async producerOf(messageId: string): Promise<string | undefined> {
    return this.#open().messages.get(messageId)?.producerId;
  }

  async message(messageId: string): Promise<MessageRecord | undefined> {
    const m = this.#open().messages.get(messageId);
    return m && toRecord(m);
  }

  async messagesByCorrelation(correlationId: string): Promise<MessageRecord[]> {
    const all = [...this.#open().messages.values()].filter((m) => m.correlationId === correlationId);
    return all
      .sort((a, b) => a.admittedAtMs - b.admittedAtMs)
      .slice(0, MAX_CORRELATED)
      .map(toRecord);
  }

  async queueDepths(): Promise<Map<string, number>> {
    return this.#open().depths();
  }

  #dlqMatching(filter: DlqFilter): DlqEntry[] {
    const all = [...this.#open().dlq.values()].map((s) => s.entry).filter((e) => matchesDlqFilter(e, filter));
    return all.sort((a, b) => a.id - b.id);
  }

  async dlqList(filter: DlqFilter): Promise<DlqEntry[]> {
    return this.#dlqMatching(filter).slice(0, dlqPageSize(filter));
  }

  async dlqRequeue(ids: readonly number[], nowMs: number): Promise<QueuedDelivery[]> {
    const t = this.#open();
    return t.transaction(() => {
      const out: QueuedDelivery[] = [];
      for (const id of ids) {
        const stored = t.dlq.get(id);
        if (!stored) continue;
        const { entry } = stored;
        // The message record may have been pruned after the dedup window; recreate it.
        let message = t.messages.get(entry.messageId);
        if (!message) {
          message = {
            messageId: entry.messageId,
            producerId: entry.producerId,
            correlationId: entry.correlationId,
            state: ADMITTED_STATE,
            stateAtMs: nowMs,
            admittedAtMs: entry.createdAtMs,
            lane: entry.lane,
            recipients: [entry.agentId],
            pendingDeliveries: 0,
            deadLettered: false,
            messageType: stored.messageType,
            contentType: entry.contentType,
            payloadSize: entry.payloadSize,
            envelope: stored.envelope,
          };
          t.putMessage(message);
        }
        t.updateMessage(message, { pendingDeliveries: message.pendingDeliveries + 1, deadLettered: false });
        const seq = t.nextSeq();
        const history = requeueHistory(entry.attempts, nowMs);
        t.addCopy({ agentId: entry.agentId, seq, message, lane: entry.lane, expiresAtMs: undefined, history });
        t.deleteDlq(id);
        out.push({ agentId: entry.agentId, seq });
      }
      return out;
    });
  }

  async dlqPurge(filter: DlqFilter): Promise<number> {
    const matching = this.#dlqMatching(filter);
    const doomed = filter.limit === undefined ? matching : matching.slice(0, dlqPageSize(filter));
    const t = this.#t;
    t.transaction(() => doomed.forEach((e) => t.deleteDlq(e.id)));
    return doomed.length;
  }

  async prune(nowMs: number, windowMs: number): Promise<number> {
    const t = this.#open();
    const cutoff = dedupCutoff(nowMs, windowMs);
    return t.transaction(() => {
      let dropped = 0;
      for (const [key, hit] of [...t.dedup])
        if (!isInDedupWindow(hit.createdAtMs, nowMs, windowMs)) {
          t.deleteDedup(key);
          dropped++;
        }
      for (const m of [...t.messages.values()])
        if (isRecordExpired(m.pendingDeliveries, m.admittedAtMs, cutoff)) {
          t.deleteMessage(m);
          dropped++;
        }
      return dropped;
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
