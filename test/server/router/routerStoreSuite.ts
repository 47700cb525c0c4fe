/**
 * The behavioural contract every RouterStore backend must pass (memory, SQLite, SQLite on a worker
 * thread; JetStream later). Call `runRouterStoreSuite(name, makeStore)` from a backend's test file.
 * Assertions go through returned values only: seqs are compared, never spelled out, because a backend
 * need not make them dense (the memory store shares one counter between agents).
 */
import { CommunicationClass, ErrorCode } from "@sw4rm/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { AdmitItem, AdmitOutcome, QueuedDelivery, RouterStore } from "../../../packages/server/src/services/router/index.js";
import { leaseKey } from "../../../packages/server/src/services/router/store.js";

export interface StoreFixture {
  readonly store: RouterStore;
  /** Closes and reopens on the same underlying data (persistent backends only). */
  reopen?(): Promise<RouterStore>;
  dispose(): Promise<void>;
}

export interface SuiteOptions {
  /** The backend keeps its data across close and reopen (runs the restart case). */
  readonly persistent: boolean;
}

const WINDOW = 3_600_000;

let n = 0;
export function item(overrides: Partial<AdmitItem> = {}): AdmitItem {
  n++;
  return {
    messageId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    producerId: "p",
    correlationId: "c",
    idempotencyToken: "",
    sequenceNumber: BigInt(n),
    retryCount: 0,
    messageType: 2,
    contentType: "text/plain",
    envelope: new Uint8Array([1, 2, 3]),
    payloadSize: 0,
    recipients: ["a"],
    lane: CommunicationClass.STANDARD,
    admittedAtMs: 1000,
    capacity: 10,
    dedupWindowMs: WINDOW,
    ...overrides,
  };
}

/** The copies an accepted outcome queued (fails the test on any other outcome). */
export function queued(outcome: AdmitOutcome | undefined): readonly QueuedDelivery[] {
  if (outcome?.kind !== "accepted") throw new Error(`expected an accepted admission, got ${JSON.stringify(outcome)}`);
  return outcome.deliveries;
}

/** The seq of the single copy an accepted outcome queued. */
export function seqOf(outcome: AdmitOutcome | undefined): bigint {
  const [only, ...more] = queued(outcome);
  if (!only || more.length > 0) throw new Error("expected exactly one queued copy");
  return only.seq;
}

function expectIncreasing(seqs: readonly bigint[]): void {
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!, `seq ${seqs[i]} after ${seqs[i - 1]}`).toBe(true);
}

export function runRouterStoreSuite(
  name: string,
  makeStore: () => Promise<StoreFixture>,
  options: SuiteOptions,
): void {
  describe(`RouterStore contract: ${name}`, () => {
    let fx: StoreFixture | undefined;
    afterEach(async () => {
      await fx?.dispose();
      fx = undefined;
    });
    const open = async () => {
      fx = await makeStore();
      return fx.store;
    };

    it("admits a batch with positive seqs that increase per agent", async () => {
      const s = await open();
      const out = await s.admit([item(), item(), item({ recipients: ["a", "b"] })], 1000);
      expect(out.map((o) => queued(o).map((d) => d.agentId))).toEqual([["a"], ["a"], ["a", "b"]]);
      const seqs = out.flatMap((o) => queued(o).map((d) => d.seq));
      expect(seqs.every((seq) => seq > 0n)).toBe(true);
      expectIncreasing(out.map((o) => queued(o)[0]!.seq));
      expect(Object.fromEntries(await s.queueDepths())).toEqual({ a: 3, b: 1 });
    });

    it("enforces capacity within a batch", async () => {
      const s = await open();
      const out = await s.admit([item({ capacity: 1 }), item({ capacity: 1 }), item({ capacity: undefined })], 1000);
      expect(out.map((o) => o.kind)).toEqual(["accepted", "buffer_full", "accepted"]);
    });

    it("buffer_full names only the full recipients and queues no copy for anyone", async () => {
      const s = await open();
      await s.admit([item({ recipients: ["a"] })], 1000);
      const [full] = await s.admit([item({ recipients: ["a", "b"], capacity: 1 })], 1000);
      expect(full).toEqual({ kind: "buffer_full", agents: ["a"], capacity: 1 });
      expect(Object.fromEntries(await s.queueDepths())).toEqual({ a: 1 });
      expect(await s.readQueued("b", CommunicationClass.STANDARD, 0n, 10)).toEqual([]);
    });

    it("reads queued copies per lane in seq order, pages after a seq, never writes", async () => {
      const s = await open();
      const [x, y, z] = [item(), item({ lane: CommunicationClass.BULK }), item()];
      const [sx, sy, sz] = (await s.admit([x!, y!, z!], 1000)).map(seqOf);
      const std = await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10);
      expect(std.map((d) => [d.seq, d.messageId])).toEqual([
        [sx, x!.messageId],
        [sz, z!.messageId],
      ]);
      expect(std[0]).toMatchObject({ agentId: "a", producerId: "p", correlationId: "c", expiresAtMs: undefined });
      expect(std[0]?.envelope).toEqual(x!.envelope);
      expect((await s.readQueued("a", CommunicationClass.STANDARD, sx!, 10)).map((d) => d.seq)).toEqual([sz]);
      expect((await s.readQueued("a", CommunicationClass.STANDARD, 0n, 1)).map((d) => d.seq)).toEqual([sx]);
      expect((await s.readQueued("a", CommunicationClass.BULK, 0n, 10)).map((d) => d.seq)).toEqual([sy]);
      expect(await s.readQueued("b", CommunicationClass.STANDARD, 0n, 10)).toEqual([]);
      expect((await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10)).length).toBe(2);
    });

    it("acks in one batch: once each, only the agent's own copy with the right message_id", async () => {
      const s = await open();
      const [x, y] = [item(), item()];
      const [sx, sy] = (await s.admit([x!, y!], 1000)).map(seqOf);
      const results = await s.ackBatch(
        [
          { agentId: "b", seq: sx!, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: sy!, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: sx!, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: sx!, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: sy!, messageId: y!.messageId, outcome: "permanent_failure" },
          { agentId: "a", seq: sy!, messageId: y!.messageId, outcome: "permanent_failure" },
        ],
        1600,
      );
      expect(results).toEqual(["unknown", "unknown", "recorded", "unknown", "recorded", "unknown"]);
      expect((await s.message(x!.messageId))?.pendingDeliveries).toBe(0);
      const [dead, ...more] = await s.dlqList({ agentId: "a" });
      expect(more).toEqual([]);
      expect(dead).toMatchObject({
        messageId: y!.messageId,
        errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED,
        error: "permanent_failure: consumer rejected",
        failedAtMs: 1600,
      });
      expect(await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10)).toEqual([]);
      expect(await s.queueDepths()).toEqual(new Map());
    });

    it("capacity counts un-acked copies and frees up on ack", async () => {
      const s = await open();
      const x = item({ capacity: 1 });
      const sx = seqOf((await s.admit([x], 1000))[0]);
      expect((await s.admit([item({ capacity: 1 })], 1000))[0]?.kind).toBe("buffer_full");
      await s.ackBatch([{ agentId: "a", seq: sx, messageId: x.messageId, outcome: "delivered" }], 1001);
      expect((await s.admit([item({ capacity: 1 })], 1002))[0]?.kind).toBe("accepted");
    });

    it("dedups by token and by retry (producer, sequence); never a first attempt", async () => {
      const s = await open();
      const first = item({ idempotencyToken: "t1" });
      await s.admit([first], 1000);
      const [dup] = await s.admit([item({ idempotencyToken: "t1", retryCount: 1 })], 1001);
      expect(dup).toEqual({
        kind: "duplicate",
        inProgress: true,
        originalMessageId: first.messageId,
        originalStatus: "IN_FLIGHT",
        cachedAtMs: 1000,
      });
      const seqFirst = item({ sequenceNumber: 7n });
      await s.admit([seqFirst], 1000);
      expect((await s.admit([item({ sequenceNumber: 7n })], 1000))[0]?.kind).toBe("accepted");
      expect((await s.admit([item({ sequenceNumber: 7n, retryCount: 2 })], 1000))[0]?.kind).toBe("duplicate");
      expect((await s.admit([item({ sequenceNumber: 7n, producerId: "q", retryCount: 2 })], 1000))[0]?.kind).toBe(
        "accepted",
      );
      expect((await s.admit([item({ idempotencyToken: "t1" })], 1000 + WINDOW - 1))[0]?.kind).toBe("duplicate");
      expect((await s.admit([item({ idempotencyToken: "t1" })], 1000 + WINDOW))[0]?.kind).toBe("accepted");
    });

    it("dedups within one batch, and a duplicate of a message to a full buffer is still a duplicate", async () => {
      const s = await open();
      const first = item({ idempotencyToken: "t2", capacity: 1 });
      const out = await s.admit([first, item({ idempotencyToken: "t2", capacity: 1 })], 1000);
      expect(out.map((o) => o.kind)).toEqual(["accepted", "duplicate"]);
      expect(out[1]).toMatchObject({ originalMessageId: first.messageId, inProgress: true });
    });

    it("names the original's status: IN_FLIGHT, DELIVERED, DEAD_LETTERED, or its terminal lifecycle state", async () => {
      const s = await open();
      const status = async (token: string) => {
        const [o] = await s.admit([item({ idempotencyToken: token, retryCount: 1 })], 2000);
        if (o?.kind !== "duplicate") throw new Error(`expected a duplicate, got ${o?.kind}`);
        return [o.originalStatus, o.inProgress];
      };
      const [delivered, dead, fulfilled, rejected, both] = ["d", "x", "f", "r", "b"].map((t) =>
        item({ idempotencyToken: t }),
      );
      const [sd, sx, sf] = (await s.admit([delivered!, dead!, fulfilled!, rejected!], 1000)).map(seqOf);
      const sb = queued((await s.admit([{ ...both!, recipients: ["a", "b"] }], 1000))[0]);
      expect(await status("d")).toEqual(["IN_FLIGHT", true]);
      await s.ackBatch(
        [
          { agentId: "a", seq: sd!, messageId: delivered!.messageId, outcome: "delivered" },
          { agentId: "a", seq: sx!, messageId: dead!.messageId, outcome: "permanent_failure" },
          { agentId: "a", seq: sf!, messageId: fulfilled!.messageId, outcome: "delivered" },
          { agentId: "a", seq: sb[0]!.seq, messageId: both!.messageId, outcome: "delivered" },
        ],
        1500,
      );
      const ack = (of: AdmitItem, state: "FULFILLED" | "REJECTED" | "FAILED") =>
        item({ recipients: ["p"], ackFor: { messageId: of.messageId, state } });
      await s.admit([ack(fulfilled!, "FULFILLED"), ack(rejected!, "REJECTED"), ack(dead!, "FAILED")], 1500);
      expect(await status("d")).toEqual(["DELIVERED", false]);
      // Dead-lettered wins over a terminal state; a terminal state over delivered and over in flight.
      expect(await status("x")).toEqual(["DEAD_LETTERED", false]);
      expect(await status("f")).toEqual(["FULFILLED", false]);
      expect(await status("r")).toEqual(["REJECTED", false]);
      // One of two copies still pending: the message is in flight.
      expect(await status("b")).toEqual(["IN_FLIGHT", true]);
    });

    it("ACKs move a message's lifecycle forward only, never out of a terminal state", async () => {
      const s = await open();
      const x = item({ recipients: ["a", "b"], correlationId: "lc" });
      await s.admit([x], 1000);
      expect(await s.message(x.messageId)).toEqual({
        messageId: x.messageId,
        producerId: "p",
        correlationId: "lc",
        state: "RECEIVED",
        stateAtMs: 1000,
        admittedAtMs: 1000,
        lane: CommunicationClass.STANDARD,
        recipients: ["a", "b"],
        pendingDeliveries: 2,
        deadLettered: false,
      });
      const ack = (state: "READ" | "RECEIVED" | "FULFILLED" | "FAILED", at: number) =>
        s.admit([item({ recipients: ["p"], ackFor: { messageId: x.messageId, state } })], at);
      const seen = async () => {
        const r = await s.message(x.messageId);
        return [r?.state, r?.stateAtMs];
      };
      await ack("READ", 1100);
      expect(await seen()).toEqual(["READ", 1100]);
      await ack("RECEIVED", 1200);
      expect(await seen()).toEqual(["READ", 1100]);
      await ack("FULFILLED", 1300);
      expect(await seen()).toEqual(["FULFILLED", 1300]);
      await ack("FAILED", 1400);
      expect(await seen()).toEqual(["FULFILLED", 1300]);
      // An ACK for a message the store does not know is still queued to its recipient.
      const stray = item({ recipients: ["p"], ackFor: { messageId: "unknown", state: "READ" } });
      expect((await s.admit([stray], 1500))[0]?.kind).toBe("accepted");
      expect(await s.message("unknown")).toBeUndefined();
      expect(await s.producerOf(x.messageId)).toBe("p");
    });

    it("a commit that fails applies nothing of its batch (here: a message_id already stored)", async () => {
      const s = await open();
      const x = item({ idempotencyToken: "tx" });
      const sx = seqOf((await s.admit([x], 1000))[0]);
      const y = item({ idempotencyToken: "ty" });
      const again = item({ messageId: x.messageId });
      await expect(
        s.commit({ admits: [y, again], acks: [{ agentId: "a", seq: sx, messageId: x.messageId, outcome: "delivered" }] }, 1001),
      ).rejects.toThrow();
      expect(await s.message(y.messageId)).toBeUndefined();
      expect(Object.fromEntries(await s.queueDepths())).toEqual({ a: 1 });
      expect((await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10)).map((d) => d.messageId)).toEqual([
        x.messageId,
      ]);
      // y's token was not recorded, and the store keeps working.
      expect((await s.admit([item({ idempotencyToken: "ty", retryCount: 1 })], 1002))[0]?.kind).toBe("accepted");
    });

    it("dead-letters, lists, requeues with a fresh seq, purges", async () => {
      const s = await open();
      const x = item({ expiresAtMs: 2000, payloadSize: 3 });
      const sx = seqOf((await s.admit([x], 1000))[0]);
      expect(await s.expireDue(1999, ErrorCode.TTL_EXPIRED, "ttl_expired: test")).toEqual([]);
      const dead = await s.expireDue(2000, ErrorCode.TTL_EXPIRED, "ttl_expired: test");
      expect(dead.map((d) => d.messageId)).toEqual([x.messageId]);
      const [entry] = await s.dlqList({ agentId: "a", errorCode: ErrorCode.TTL_EXPIRED });
      expect(entry).toEqual(dead[0]);
      expect(entry).toMatchObject({
        agentId: "a",
        producerId: "p",
        correlationId: "c",
        contentType: "text/plain",
        lane: CommunicationClass.STANDARD,
        error: "ttl_expired: test",
        createdAtMs: 1000,
        failedAtMs: 2000,
        payloadSize: 3,
      });
      expect(entry?.attempts).toEqual([{ atMs: 2000, event: "dead_lettered", reason: "ttl_expired: test" }]);
      expect((await s.message(x.messageId))?.deadLettered).toBe(true);
      const q = await s.dlqRequeue([entry!.id, entry!.id + 1000], 3000);
      expect(q.map((d) => d.agentId)).toEqual(["a"]);
      expect(q[0]!.seq > sx).toBe(true);
      const [again] = await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10);
      expect([again?.seq, again?.messageId, again?.expiresAtMs]).toEqual([q[0]!.seq, x.messageId, undefined]);
      expect((await s.message(x.messageId))?.deadLettered).toBe(false);
      expect(await s.dlqList({})).toEqual([]);
      expect(await s.dlqPurge({})).toBe(0);
      // Dead-lettered again, the copy keeps its history: first death, requeue, second death.
      const [second] = await s.ackBatch(
        [{ agentId: "a", seq: q[0]!.seq, messageId: x.messageId, outcome: "permanent_failure" }],
        4000,
      );
      expect(second).toBe("recorded");
      const [back] = await s.dlqList({});
      expect(back?.attempts.map((a) => [a.event, a.atMs])).toEqual([
        ["dead_lettered", 2000],
        ["requeued", 3000],
        ["dead_lettered", 4000],
      ]);
      expect(back!.id > entry!.id).toBe(true);
    });

    it("requeue recreates a message record pruned meanwhile", async () => {
      const s = await open();
      const x = item({ expiresAtMs: 2000, correlationId: "gone" });
      await s.admit([x], 1000);
      const [entry] = await s.expireDue(2000, ErrorCode.TTL_EXPIRED, "ttl_expired: t");
      await s.prune(1000 + WINDOW, WINDOW);
      expect(await s.message(x.messageId)).toBeUndefined();
      const [q] = await s.dlqRequeue([entry!.id], 1000 + WINDOW);
      expect(await s.message(x.messageId)).toMatchObject({
        correlationId: "gone",
        recipients: ["a"],
        pendingDeliveries: 1,
        deadLettered: false,
        state: "RECEIVED",
      });
      const [d] = await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10);
      expect([d?.seq, d?.producerId, d?.envelope]).toEqual([q?.seq, "p", x.envelope]);
    });

    it("dead-letters by (agent, seq) only a copy still queued", async () => {
      const s = await open();
      const x = item();
      const sx = seqOf((await s.admit([x], 1000))[0]);
      expect(await s.deadLetter("b", sx, ErrorCode.TTL_EXPIRED, "r", 1100)).toBeUndefined();
      await s.ackBatch([{ agentId: "a", seq: sx, messageId: x.messageId, outcome: "delivered" }], 1100);
      expect(await s.deadLetter("a", sx, ErrorCode.TTL_EXPIRED, "r", 1200)).toBeUndefined();
      expect(await s.dlqList({})).toEqual([]);
    });

    it("keeps attempts given at dead-letter time; the sweep skips what the router says is leased", async () => {
      const s = await open();
      const [x, y] = [item({ expiresAtMs: 2000 }), item({ expiresAtMs: 2000 })];
      const [, sy] = (await s.admit([x!, y!], 1000)).map(seqOf);
      const attempts = [{ atMs: 1500, event: "delivered", reason: "attempt 1" }];
      const dead = await s.expireDue(2000, ErrorCode.TTL_EXPIRED, "ttl_expired: t", new Set([leaseKey("a", sy!)]));
      expect(dead.map((d) => d.messageId)).toEqual([x!.messageId]);
      const later = await s.deadLetter("a", sy!, ErrorCode.TTL_EXPIRED, "ttl_expired: t", 2500, attempts);
      expect(later?.attempts.map((a) => a.event)).toEqual(["delivered", "dead_lettered"]);
      expect(await s.expireDue(3000, ErrorCode.TTL_EXPIRED, "ttl_expired: t")).toEqual([]);
    });

    it("lists and purges the DLQ by agent, code, failure time and id, in id order", async () => {
      const s = await open();
      const items = [item(), item(), item({ recipients: ["b"] }), item()];
      const seqs = (await s.admit(items, 1000)).map(seqOf);
      const kill = (i: number, code: ErrorCode, at: number) =>
        s.deadLetter(items[i]!.recipients[0]!, seqs[i]!, code, "r", at);
      const e0 = await kill(0, ErrorCode.TTL_EXPIRED, 100);
      const e1 = await kill(1, ErrorCode.INTERNAL_ERROR, 200);
      const e2 = await kill(2, ErrorCode.TTL_EXPIRED, 300);
      const e3 = await kill(3, ErrorCode.TTL_EXPIRED, 400);
      const ids = async (filter: Parameters<RouterStore["dlqList"]>[0]) => (await s.dlqList(filter)).map((e) => e.id);
      expectIncreasing([e0, e1, e2, e3].map((e) => BigInt(e!.id)));
      expect(await ids({})).toEqual([e0!.id, e1!.id, e2!.id, e3!.id]);
      expect(await ids({ agentId: "b" })).toEqual([e2!.id]);
      expect(await ids({ errorCode: ErrorCode.TTL_EXPIRED })).toEqual([e0!.id, e2!.id, e3!.id]);
      expect(await ids({ fromMs: 200, toMs: 400 })).toEqual([e1!.id, e2!.id]);
      expect(await ids({ afterId: e0!.id, limit: 2 })).toEqual([e1!.id, e2!.id]);
      expect(await ids({ agentId: "a", limit: 0 })).toEqual([e0!.id]);
      expect(await s.dlqPurge({ errorCode: ErrorCode.TTL_EXPIRED, limit: 1 })).toBe(1);
      expect(await ids({})).toEqual([e1!.id, e2!.id, e3!.id]);
      expect(await s.dlqPurge({ agentId: "a" })).toBe(2);
      expect(await ids({})).toEqual([e2!.id]);
    });

    it("lists a correlation's messages in admission order", async () => {
      const s = await open();
      const [late, early, other, mid] = [
        item({ correlationId: "k", admittedAtMs: 1003 }),
        item({ correlationId: "k", admittedAtMs: 1001 }),
        item({ correlationId: "other" }),
        item({ correlationId: "k", admittedAtMs: 1002 }),
      ];
      await s.admit([late!, early!, other!, mid!], 1004);
      const records = await s.messagesByCorrelation("k");
      expect(records.map((r) => r.messageId)).toEqual([early!.messageId, mid!.messageId, late!.messageId]);
      expect(await s.messagesByCorrelation("none")).toEqual([]);
    });

    it("prunes dedup entries and settled message records outside the window; pending ones stay", async () => {
      const s = await open();
      const [x, y] = [item({ idempotencyToken: "tp" }), item()];
      const [sx] = (await s.admit([x!, y!], 1000)).map(seqOf);
      await s.ackBatch([{ agentId: "a", seq: sx!, messageId: x!.messageId, outcome: "delivered" }], 1001);
      expect(await s.prune(1000 + WINDOW - 1, WINDOW)).toBe(0);
      expect(await s.message(x!.messageId)).toBeDefined();
      // Two dedup entries (x's token, y's (producer, sequence)) and x's record; y still has a copy.
      expect(await s.prune(1000 + WINDOW, WINDOW)).toBe(3);
      expect(await s.message(x!.messageId)).toBeUndefined();
      expect(await s.producerOf(x!.messageId)).toBeUndefined();
      expect((await s.message(y!.messageId))?.pendingDeliveries).toBe(1);
      expect((await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10)).map((d) => d.messageId)).toEqual([
        y!.messageId,
      ]);
      // The entry is gone, not only outside the window: a wider window no longer finds it.
      const wide = item({ idempotencyToken: "tp", retryCount: 1, dedupWindowMs: 10 * WINDOW });
      expect((await s.admit([wide], 1000 + WINDOW + 1))[0]?.kind).toBe("accepted");
    });

    if (options.persistent)
      it("survives reopen: queued copies (in flight ones included, same seq) and seq counters", async () => {
        const s = await open();
        const before = (await s.admit([item(), item()], 1000)).map(seqOf);
        const s2 = await fx!.reopen!();
        expect((await s2.readQueued("a", CommunicationClass.STANDARD, 0n, 10)).map((d) => d.seq)).toEqual(before);
        const after = seqOf((await s2.admit([item()], 1002))[0]);
        expectIncreasing([...before, after]);
        expect(Object.fromEntries(await s2.queueDepths())).toEqual({ a: 3 });
      });
  });
}
