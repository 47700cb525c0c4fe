/**
 * The behavioural contract every RouterStore backend must pass (SQLite now, JetStream later).
 * Call `runRouterStoreSuite(name, makeStore)` from a backend's test file.
 */
import { CommunicationClass, ErrorCode } from "@sw4rm/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { AdmitItem, RouterStore } from "../../../packages/server/src/router/index.js";
import { leaseKey } from "../../../packages/server/src/router/store.js";

export interface StoreFixture {
  readonly store: RouterStore;
  /** Closes and reopens on the same underlying data. */
  reopen(): Promise<RouterStore>;
  dispose(): Promise<void>;
}

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
    dedupWindowMs: 3_600_000,
    ...overrides,
  };
}

export function runRouterStoreSuite(name: string, makeStore: () => Promise<StoreFixture>): void {
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

    it("admits a batch atomically with per-agent monotonically increasing seqs", async () => {
      const s = await open();
      const out = await s.admit([item(), item(), item({ recipients: ["a", "b"] })], 1000);
      expect(
        out.map((o) => (o.kind === "accepted" ? o.deliveries.map((d) => `${d.agentId}${d.seq}`) : o.kind)),
      ).toEqual([["a1"], ["a2"], ["a3", "b1"]]);
      expect(Object.fromEntries(await s.queueDepths())).toEqual({ a: 3, b: 1 });
    });

    it("enforces capacity within a batch", async () => {
      const s = await open();
      const out = await s.admit([item({ capacity: 1 }), item({ capacity: 1 }), item({ capacity: undefined })], 1000);
      expect(out.map((o) => o.kind)).toEqual(["accepted", "buffer_full", "accepted"]);
    });

    it("reads queued copies per lane in seq order, pages after a seq, never writes", async () => {
      const s = await open();
      const [x, y, z] = [item(), item({ lane: CommunicationClass.BULK }), item()];
      await s.admit([x!, y!, z!], 1000);
      const std = await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10);
      expect(std.map((d) => [d.seq, d.messageId])).toEqual([
        [1n, x!.messageId],
        [3n, z!.messageId],
      ]);
      expect(std[0]?.envelope).toEqual(x!.envelope);
      expect((await s.readQueued("a", CommunicationClass.STANDARD, 1n, 10)).map((d) => d.seq)).toEqual([3n]);
      expect((await s.readQueued("a", CommunicationClass.STANDARD, 0n, 1)).map((d) => d.seq)).toEqual([1n]);
      expect((await s.readQueued("a", CommunicationClass.BULK, 0n, 10)).map((d) => d.seq)).toEqual([2n]);
      expect(await s.readQueued("b", CommunicationClass.STANDARD, 0n, 10)).toEqual([]);
    });

    it("acks in one batch: once each, only the agent's own copy with the right message_id", async () => {
      const s = await open();
      const [x, y] = [item(), item()];
      await s.admit([x!, y!], 1000);
      const results = await s.ackBatch(
        [
          { agentId: "b", seq: 1n, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: 2n, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: 1n, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: 1n, messageId: x!.messageId, outcome: "delivered" },
          { agentId: "a", seq: 2n, messageId: y!.messageId, outcome: "permanent_failure" },
        ],
        1600,
      );
      expect(results).toEqual(["unknown", "unknown", "recorded", "unknown", "recorded"]);
      expect((await s.message(x!.messageId))?.pendingDeliveries).toBe(0);
      const [dead] = await s.dlqList({ agentId: "a" });
      expect(dead?.messageId).toBe(y!.messageId);
      expect(await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10)).toEqual([]);
    });

    it("capacity counts un-acked copies and frees up on ack", async () => {
      const s = await open();
      const [x] = [item({ capacity: 1 })];
      expect((await s.admit([x!], 1000))[0]?.kind).toBe("accepted");
      expect((await s.admit([item({ capacity: 1 })], 1000))[0]?.kind).toBe("buffer_full");
      await s.ackBatch([{ agentId: "a", seq: 1n, messageId: x!.messageId, outcome: "delivered" }], 1001);
      expect((await s.admit([item({ capacity: 1 })], 1002))[0]?.kind).toBe("accepted");
    });

    it("dedups by token and by retry (producer, sequence); never a first attempt", async () => {
      const s = await open();
      const first = item({ idempotencyToken: "t1" });
      await s.admit([first], 1000);
      const [dup] = await s.admit([item({ idempotencyToken: "t1", retryCount: 1 })], 1001);
      expect(dup).toMatchObject({ kind: "duplicate", inProgress: true, originalMessageId: first.messageId });
      const seqFirst = item({ sequenceNumber: 7n });
      await s.admit([seqFirst], 1000);
      expect((await s.admit([item({ sequenceNumber: 7n })], 1000))[0]?.kind).toBe("accepted");
      expect((await s.admit([item({ sequenceNumber: 7n, retryCount: 2 })], 1000))[0]?.kind).toBe("duplicate");
      expect((await s.admit([item({ idempotencyToken: "t1" })], 1000 + 3_600_001))[0]?.kind).toBe("accepted");
    });

    it("dead-letters, lists, requeues with a fresh seq, purges", async () => {
      const s = await open();
      const x = item({ expiresAtMs: 2000 });
      await s.admit([x], 1000);
      const dead = await s.expireDue(2000, ErrorCode.TTL_EXPIRED, "ttl_expired: test");
      expect(dead.map((d) => d.messageId)).toEqual([x.messageId]);
      const [entry] = await s.dlqList({ agentId: "a", errorCode: ErrorCode.TTL_EXPIRED });
      expect(entry).toMatchObject({ producerId: "p", correlationId: "c", contentType: "text/plain" });
      const q = await s.dlqRequeue([entry!.id], 3000);
      expect(q).toEqual([{ agentId: "a", seq: 2n }]);
      const [again] = await s.readQueued("a", CommunicationClass.STANDARD, 0n, 10);
      expect([again?.seq, again?.messageId, again?.expiresAtMs]).toEqual([2n, x.messageId, undefined]);
      expect(await s.dlqPurge({})).toBe(0);
    });

    it("keeps attempts given at dead-letter time; the sweep skips what the router says is leased", async () => {
      const s = await open();
      const [x, y] = [item({ expiresAtMs: 2000 }), item({ expiresAtMs: 2000 })];
      await s.admit([x!, y!], 1000);
      const attempts = [{ atMs: 1500, event: "delivered", reason: "attempt 1" }];
      const dead = await s.expireDue(2000, ErrorCode.TTL_EXPIRED, "ttl_expired: t", new Set([leaseKey("a", 2n)]));
      expect(dead.map((d) => d.messageId)).toEqual([x!.messageId]);
      const later = await s.deadLetter("a", 2n, ErrorCode.TTL_EXPIRED, "ttl_expired: t", 2500, attempts);
      expect(later?.attempts.map((a) => a.event)).toEqual(["delivered", "dead_lettered"]);
    });

    it("survives reopen: queued copies (in flight ones included, same seq) and seq counters", async () => {
      const s = await open();
      await s.admit([item(), item()], 1000);
      const s2 = await fx!.reopen();
      expect((await s2.readQueued("a", CommunicationClass.STANDARD, 0n, 10)).map((d) => d.seq)).toEqual([1n, 2n]);
      const [o] = await s2.admit([item()], 1002);
      expect(o).toEqual({ kind: "accepted", deliveries: [{ agentId: "a", seq: 3n }] });
      expect(Object.fromEntries(await s2.queueDepths())).toEqual({ a: 3 });
    });
  });
}
