/**
 * One recipient's delivery state in the router's memory: a small read-ahead of queued copies per lane
 * (read from the store in seq order, never the whole queue) and the leases of copies in flight.
 *
 * Leases are deliberately not persisted: a lease lost in a crash only means the copy is delivered
 * again with the same seq after restart, which the protocol requires anyway for un-acked copies. So the
 * delivery path costs reads only; the store is written by admissions and acks (both group-committed).
 * An Inbox outlives the agent's streams: a new stream takes over the in-flight copies of the old one.
 */
import { CommunicationClass } from "@sw4rm/protocol";
import type { Delivery, DlqAttempt, Lane, LaneHead, RouterStore } from "./store.js";

export interface Lease {
  readonly delivery: Delivery;
  leaseUntil: number;
  /** Delivery attempts in this process, kept with the copy if it is dead-lettered. */
  readonly attempts: DlqAttempt[];
}

const LANES: readonly Lane[] = [CommunicationClass.PRIVILEGED, CommunicationClass.STANDARD, CommunicationClass.BULK];

export class Inbox {
  readonly agentId: string;
  readonly #leases = new Map<bigint, Lease>();
  readonly #ahead = new Map<Lane, Delivery[]>(LANES.map((l) => [l, []]));
  /** Highest seq read into the read-ahead per lane (the next read starts after it). */
  readonly #cursor = new Map<Lane, bigint>(LANES.map((l) => [l, 0n]));
  /** Lanes whose last read came back short: nothing more until an admission invalidates them. */
  readonly #drained = new Set<Lane>();
  /** Seqs settled (acked, dead-lettered) while still in the read-ahead; skipped when taken. */
  readonly #settled = new Set<bigint>();

  readonly #readAhead: number;

  constructor(agentId: string, readAhead: number) {
    this.agentId = agentId;
    this.#readAhead = readAhead;
  }

  /** New copies may have been queued (DLQ requeue, ...): read again on the next refill. */
  invalidate(): void {
    this.#drained.clear();
  }

  /**
   * A copy was just committed for this agent (called in commit order). When its lane is caught up
   * (drained: everything up to the cursor was read), the copy joins the read-ahead directly, saving
   * a read of the row just written; otherwise the lane is read again on the next refill.
   */
  admitted(d: Delivery): void {
    const cursor = this.#cursor.get(d.lane) ?? 0n;
    if (d.seq <= cursor) return; // a refill already read it
    if (!this.#drained.has(d.lane)) return; // the next refill reads it
    const buf = this.#ahead.get(d.lane) ?? [];
    // The read-ahead stays bounded: past its size the queue lives in storage and is read back later.
    if (buf.length >= this.#readAhead) {
      this.#drained.delete(d.lane);
      return;
    }
    buf.push(d);
    this.#ahead.set(d.lane, buf);
    this.#cursor.set(d.lane, d.seq);
  }

  get inFlight(): number {
    return this.#leases.size;
  }

  /** Reads ahead for every empty lane not known to be drained. */
  async refill(store: RouterStore): Promise<void> {
    const readAhead = this.#readAhead;
    for (const lane of LANES) {
      const buf = this.#ahead.get(lane) ?? [];
      if (buf.length > 0 || this.#drained.has(lane)) continue;
      const rows = await store.readQueued(this.agentId, lane, this.#cursor.get(lane) ?? 0n, readAhead);
      const last = rows.at(-1);
      if (last) this.#cursor.set(lane, last.seq);
      if (rows.length < readAhead) this.#drained.add(lane);
      buf.push(...rows);
      this.#ahead.set(lane, buf);
    }
  }

  needsRefill(): boolean {
    return LANES.some((l) => (this.#ahead.get(l)?.length ?? 0) === 0 && !this.#drained.has(l));
  }

  heads(): LaneHead[] {
    const out: LaneHead[] = [];
    for (const lane of LANES) {
      const head = this.#ahead.get(lane)?.[0];
      if (head) out.push({ lane, order: head.seq });
    }
    return out;
  }

  /** Removes and returns the oldest read-ahead copy of `lane` (skipping ones settled meanwhile). */
  take(lane: Lane): Delivery | undefined {
    const buf = this.#ahead.get(lane);
    while (buf && buf.length > 0) {
      const d = buf.shift();
      if (d && !this.#settled.delete(d.seq)) return d;
    }
    return undefined;
  }

  /** Puts `d` in flight until `leaseUntil`; returns the lease (attempt counted). */
  lease(d: Delivery, nowMs: number, leaseMs: number): Lease {
    const existing = this.#leases.get(d.seq);
    const lease = existing ?? { delivery: d, leaseUntil: 0, attempts: [] };
    lease.leaseUntil = nowMs + leaseMs;
    lease.attempts.push({
      atMs: nowMs,
      event: existing ? "redelivered" : "delivered",
      reason: `attempt ${lease.attempts.length + 1}`,
    });
    this.#leases.set(d.seq, lease);
    return lease;
  }

  /** The in-flight copy with the smallest seq whose lease has run out. */
  expiredLease(nowMs: number): Lease | undefined {
    let best: Lease | undefined;
    for (const lease of this.#leases.values())
      if (lease.leaseUntil <= nowMs && (!best || lease.delivery.seq < best.delivery.seq)) best = lease;
    return best;
  }

  nextLeaseExpiry(): number | undefined {
    let at: number | undefined;
    for (const lease of this.#leases.values()) if (at === undefined || lease.leaseUntil < at) at = lease.leaseUntil;
    return at;
  }

  /** Makes every in-flight copy redeliverable now (the agent's stream was replaced or closed). */
  releaseAll(): void {
    for (const lease of this.#leases.values()) lease.leaseUntil = 0;
  }

  leaseOf(seq: bigint): Lease | undefined {
    return this.#leases.get(seq);
  }

  /** Seqs in flight under a lease that has not run out. */
  *leasedSeqs(nowMs: number): Iterable<bigint> {
    for (const [seq, lease] of this.#leases) if (lease.leaseUntil > nowMs) yield seq;
  }

  /** settle() by message id (the TTL sweep reports dead-lettered copies by message). */
  settleMessage(messageId: string): void {
    for (const [seq, lease] of this.#leases)
      if (lease.delivery.messageId === messageId) {
        this.#leases.delete(seq);
        return;
      }
    for (const buf of this.#ahead.values()) {
      const d = buf.find((x) => x.messageId === messageId);
      if (d) {
        this.#settled.add(d.seq);
        return;
      }
    }
  }

  /** The copy was acked or dead-lettered: forget its lease, and never hand it out from the read-ahead. */
  settle(seq: bigint): void {
    if (this.#leases.delete(seq)) return;
    for (const buf of this.#ahead.values())
      if (buf.some((d) => d.seq === seq)) {
        this.#settled.add(seq);
        return;
      }
  }
}
