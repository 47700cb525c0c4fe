/** The streaming fast path (sw4rm.ext.router.v1.RouterSession): same semantics as the canonical RPCs, batched. */
import { credentials } from "@grpc/grpc-js";
import { DeliveryAckOutcome, Envelope, ErrorCode, GrpcStatus, MessageType, routerSession as wire } from "@sw4rm/protocol";
import { RouterClient } from "@sw4rm/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
let sdk: RouterClient;
beforeEach(async () => {
  h = await startHarness({ deliveryLeaseMs: 30_000, inboundBufferCapacity: 10_000 });
  h.directory.add("alice");
  h.directory.add("bob");
  sdk = new RouterClient({ address: h.address });
});
afterEach(async () => {
  sdk.close();
  await h.close();
});

/** A raw duplex on the session service, collecting every ServerFrame. */
function rawSession(address: string) {
  const client = new wire.RouterSessionClient(address, credentials.createInsecure());
  const call = client.session();
  const frames: wire.ServerFrame[] = [];
  let status: { code: number; details: string } | undefined;
  call.on("data", (f: wire.ServerFrame) => frames.push(f));
  call.on("error", (e: { code: number; details: string }) => {
    status = { code: e.code, details: e.details };
  });
  const until = async (pred: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error("timed out waiting for frames");
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    call,
    frames,
    status: () => status,
    until,
    deliveries: () => frames.flatMap((f) => f.deliveries?.items ?? []),
    close() {
      call.cancel();
      client.close();
    },
  };
}

describe("RouterSession fast path", () => {
  it("admits concurrent sends in shared transactions and answers each ref", async () => {
    const s = sdk.openSession({ agentId: "alice" });
    await s.ready();
    const f = h.factory("alice");
    const envs = Array.from({ length: 300 }, (_, i) => f.json(MessageType.DATA, { i }));
    const before = h.router.admin.stats().commitBatches;
    const results = await Promise.all(envs.map((e) => s.send(e, { to: "bob" })));
    expect(results.every((r) => r.accepted && r.reason === "")).toBe(true);
    const batches = h.router.admin.stats().commitBatches - before;
    expect(batches).toBeLessThan(300 / 4);
    expect((await h.router.admin.queueDepths()).get("bob")).toBe(300);
    s.close();
  });

  it("delivers byte-identical envelopes within the credit window and records batched acks once", async () => {
    const f = h.factory("alice");
    const envs = Array.from({ length: 8 }, (_, i) => f.json(MessageType.DATA, { i }));
    for (const e of envs) expect((await h.send(e, ["bob"])).accepted).toBe(true);
    const raw = rawSession(h.address);
    raw.call.write({ open: { agentId: "bob", receive: true, initialCredit: 3 } });
    await raw.until(() => raw.deliveries().length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(raw.deliveries()).toHaveLength(3); // no more than the credit
    raw.call.write({ credit: { grant: 5 } });
    await raw.until(() => raw.deliveries().length >= 8);
    const items = raw.deliveries();
    expect(items.map((d) => d.seq)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    expect(items.map((d) => Buffer.from(d.envelope))).toEqual(envs.map((e) => Buffer.from(Envelope.encode(e).finish())));
    const acks = items.map((d, i) => ({
      seq: d.seq,
      messageId: envs[i]!.messageId,
      outcome: DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED,
    }));
    const ackBatchesBefore = h.router.admin.stats().commitBatches;
    raw.call.write({ ack: { acks: [...acks, acks[0]!] } });
    await raw.until(() => raw.frames.flatMap((fr) => fr.ackResults?.results ?? []).length >= 9);
    const recorded = raw.frames.flatMap((fr) => fr.ackResults?.results ?? []).map((r) => r.recorded);
    expect(recorded.filter(Boolean)).toHaveLength(8); // the repeated ack of seq 1 is refused
    expect(h.router.admin.stats().commitBatches - ackBatchesBefore).toBeLessThanOrEqual(2);
    expect((await h.router.admin.queueDepths()).get("bob") ?? 0).toBe(0);
    raw.close();
  });

  it("redelivers an un-acked delivery with the same seq after the lease and to a replacing StreamIncoming", async () => {
    const env = h.factory("alice").create({ messageType: MessageType.DATA, payload: "x" });
    await h.send(env, ["bob"]);
    const s = sdk.openSession({ agentId: "bob", receive: true, window: 10 });
    const it1 = s.deliveries();
    const first = (await it1.next()).value;
    h.clock.advance(30_000);
    const again = (await it1.next()).value;
    expect(again?.seq).toBe(first?.seq);
    expect(Buffer.from(again!.raw)).toEqual(Buffer.from(first!.raw));
    // A canonical stream replaces the session and gets the in-flight copy, same seq.
    const bob = h.stream("bob");
    const item = await bob.next();
    expect(item.seq).toBe(first?.seq);
    expect(await h.ack("bob", item.seq, env.messageId)).toBe(true);
    s.close();
  });

  it("refuses bad frames with clear errors and bad sends with per-item reasons", async () => {
    const noOpen = rawSession(h.address);
    noOpen.call.write({ credit: { grant: 1 } });
    await noOpen.until(() => noOpen.status() !== undefined);
    expect(noOpen.status()?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(noOpen.status()?.details).toMatch(/first ClientFrame must be `open`/);
    noOpen.close();

    const raw = rawSession(h.address);
    raw.call.write({ open: { agentId: "alice", receive: false, initialCredit: 0 } });
    const good = Envelope.encode(h.factory("alice").create({ messageType: MessageType.DATA, payload: "ok" })).finish();
    raw.call.write({
      send: {
        sends: [
          { ref: 1n, envelope: Uint8Array.from([0xff, 0xff, 0xff]), to: ["bob"], communicationClass: 0 },
          { ref: 2n, envelope: good, to: ["nobody"], communicationClass: 0 },
          { ref: 3n, envelope: good, to: ["bob"], communicationClass: 9 },
          { ref: 4n, envelope: good, to: ["bob"], communicationClass: 0 },
        ],
      },
    });
    await raw.until(() => raw.frames.flatMap((f) => f.results?.results ?? []).length >= 4);
    const byRef = new Map(raw.frames.flatMap((f) => f.results?.results ?? []).map((r) => [r.ref, r]));
    expect(byRef.get(1n)).toMatchObject({ accepted: false, errorCode: ErrorCode.VALIDATION_ERROR });
    expect(byRef.get(1n)?.reason).toMatch(/^validation_error: envelope: not a valid/);
    expect(byRef.get(2n)).toMatchObject({ accepted: false, errorCode: ErrorCode.NO_ROUTE });
    expect(byRef.get(3n)?.reason).toMatch(/communication_class must be/);
    expect(byRef.get(4n)).toMatchObject({ accepted: true, errorCode: 0 });
    raw.call.write({ send: { sends: Array.from({ length: 257 }, (_, i) => ({ ref: BigInt(10 + i), envelope: good, to: ["bob"], communicationClass: 0 })) } });
    await raw.until(() => raw.status() !== undefined);
    expect(raw.status()?.details).toMatch(/exceeds max_batch 256/);
    raw.close();
  });

  it("SDK RouterClient uses the session when offered: send + incoming + ack", async () => {
    const alice = h.factory("alice");
    const env = alice.create({ messageType: MessageType.DATA, payload: "fast" });
    expect(await sdk.send(env, { to: "bob" })).toEqual({ accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED });
    expect(sdk.usesFastPath).toBe(true);
    const ac = new AbortController();
    for await (const item of sdk.incoming("bob", { signal: ac.signal })) {
      expect(item.envelope.messageId).toBe(env.messageId);
      expect(await item.ack()).toBe(true);
      ac.abort();
    }
    expect((await h.router.admin.queueDepths()).get("bob") ?? 0).toBe(0);
  });
});

describe("SDK fallback", () => {
  it("uses the canonical RPCs when the server does not offer the session (UNIMPLEMENTED)", async () => {
    const plain = await startHarness({}, undefined, { session: false });
    plain.directory.add("alice");
    plain.directory.add("bob");
    const client = new RouterClient({ address: plain.address });
    try {
      const env = plain.factory("alice").create({ messageType: MessageType.DATA, payload: "slow" });
      expect(await client.send(env, { to: "bob" })).toEqual({ accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED });
      expect(client.usesFastPath).toBe(false);
      const ac = new AbortController();
      for await (const item of client.incoming("bob", { signal: ac.signal })) {
        expect(item.envelope.messageId).toBe(env.messageId);
        expect(await item.ack()).toBe(true);
        ac.abort();
      }
    } finally {
      client.close();
      await plain.close();
    }
  });
});
