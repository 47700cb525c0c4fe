/**
 * The behavioural contract every RouterStore backend must pass (SQLite now, JetStream later).
 * Call `runRouterStoreSuite(name, makeStore)` from a backend's test file.
 */
import { CommunicationClass, ErrorCode } from "@sw4rm/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { AdmitItem, RouterStore } from "../../../packages/server/src/router/index.js";

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

    it("claims FIFO per lane, leases, redelivers same seq after expiry, acks once", async () => {
      const s = await open();
      const [x] = [item()];
      await s.admit([x!, item()], 1000);
      const d1 = await s.claimQueued("a", CommunicationClass.STANDARD, 1000, 500);
      expect(d1?.seq).toBe(1n);
      expect(await s.claimExpired("a", 1499, 500)).toBeUndefined();
      const again = await s.claimExpired("a", 1500, 500);
      expect(again?.seq).toBe(1n);
      expect(again?.envelope).toEqual(x!.envelope);
      expect(await s.ack("b", 1n, x!.messageId, "delivered", 1600)).toBe("unknown");
      expect(await s.ack("a", 2n, x!.messageId, "delivered", 1600)).toBe("unknown");
      expect(await s.ack("a", 1n, x!.messageId, "delivered", 1600)).toBe("recorded");
      expect(await s.ack("a", 1n, x!.messageId, "delivered", 1600)).toBe("unknown");
      expect((await s.message(x!.messageId))?.pendingDeliveries).toBe(0);
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
      expect((await s.claimQueued("a", CommunicationClass.STANDARD, 3000, 100))?.messageId).toBe(x.messageId);
      expect(await s.dlqPurge({})).toBe(0);
    });

    it("survives reopen: queues, leases and seq counters", async () => {
      const s = await open();
      await s.admit([item(), item()], 1000);
      await s.claimQueued("a", CommunicationClass.STANDARD, 1000, 60_000);
      const s2 = await fx!.reopen();
      expect(await s2.inFlightCount("a")).toBe(1);
      expect(await s2.releaseInFlight("a")).toBe(1);
      expect((await s2.claimExpired("a", 1001, 100))?.seq).toBe(1n);
      const [o] = await s2.admit([item()], 1002);
      expect(o).toEqual({ kind: "accepted", deliveries: [{ agentId: "a", seq: 3n }] });
    });
  });
}
