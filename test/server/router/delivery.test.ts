import { DeliveryAckOutcome, Envelope, ErrorCode, MessageType } from "@sw4rm/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ deliveryLeaseMs: 30_000 });
  h.directory.add("alice");
  h.directory.add("bob");
});
afterEach(() => h.close());

const bytes = (e: Envelope | undefined) => Envelope.encode(e!).finish();

describe("router delivery", () => {
  it("redelivers after lease expiry with the same seq and identical envelope", async () => {
    const env = h.factory("alice").create({ messageType: MessageType.DATA, payload: "hello" });
    await h.send(env, ["bob"]);
    const bob = h.stream("bob");
    const first = await bob.next();
    expect(await bob.quiet()).toBe(true);
    h.clock.advance(29_999);
    expect(await bob.quiet()).toBe(true);
    h.clock.advance(1);
    const again = await bob.next();
    expect(again.seq).toBe(first.seq);
    expect(bytes(again.msg)).toEqual(bytes(first.msg));
    expect(await h.ack("bob", again.seq, env.messageId)).toBe(true);
    h.clock.advance(60_000);
    expect(await bob.quiet()).toBe(true);
  });

  it("redelivers un-acked items to a new stream; the new stream replaces the old", async () => {
    const f = h.factory("alice");
    const a = f.json(MessageType.DATA, { n: 1 });
    const b = f.json(MessageType.DATA, { n: 2 });
    await h.send(a, ["bob"]);
    await h.send(b, ["bob"]);
    const s1 = h.stream("bob");
    const i1 = await s1.next();
    const i2 = await s1.next();
    expect(await h.ack("bob", i1.seq, a.messageId)).toBe(true);
    const s2 = h.stream("bob");
    const re = await s2.next();
    expect(re.seq).toBe(i2.seq);
    expect(bytes(re.msg)).toEqual(bytes(i2.msg));
    await expect(s1.next()).rejects.toThrow(/stream ended/);
  });

  it("refuses double acks, foreign acks and a wrong message_id", async () => {
    h.directory.add("carol");
    const env = h.factory("alice").json(MessageType.DATA, {});
    await h.send(env, ["bob"]);
    const item = await h.stream("bob").next();
    expect(await h.ack("carol", item.seq, env.messageId)).toBe(false);
    expect(await h.ack("bob", item.seq, "00000000-0000-4000-8000-000000000000")).toBe(false);
    expect(await h.ack("bob", item.seq, env.messageId)).toBe(true);
    expect(await h.ack("bob", item.seq, env.messageId)).toBe(false);
  });

  it("caps copies in flight per stream and continues after acks", async () => {
    await h.close();
    h = await startHarness({ maxInFlightPerStream: 2, inboundBufferCapacity: 50 });
    h.directory.add("alice");
    h.directory.add("bob");
    const f = h.factory("alice");
    const sent = [];
    for (let i = 0; i < 5; i++) {
      const e = f.json(MessageType.DATA, { i });
      sent.push(e);
      await h.send(e, ["bob"]);
    }
    const bob = h.stream("bob");
    const x = await bob.next();
    await bob.next();
    expect(await bob.quiet()).toBe(true);
    await h.ack("bob", x.seq, x.msg!.messageId);
    expect((await bob.next()).msg?.messageId).toBe(sent[2]?.messageId);
  });

  it("PERMANENT_FAILURE dead-letters; DLQ requeue delivers again as a fresh delivery", async () => {
    const env = h.factory("alice").json(MessageType.DATA, { fail: true });
    await h.send(env, ["bob"]);
    const bob = h.stream("bob");
    const item = await bob.next();
    expect(await h.ack("bob", item.seq, env.messageId, DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE)).toBe(
      true,
    );
    const [entry] = await h.router.admin.dlq.list({ agentId: "bob" });
    expect(entry?.messageId).toBe(env.messageId);
    expect(entry?.excerpt).toBe('{"fail":true}');
    expect(entry?.attempts.map((a) => a.event)).toEqual(["delivered", "dead_lettered"]);
    const lines = [];
    for await (const line of h.router.admin.dlq.export()) lines.push(JSON.parse(line));
    expect(lines).toHaveLength(1);
    const requeued = await h.router.admin.dlq.requeue([entry!.id]);
    expect(requeued).toHaveLength(1);
    const again = await bob.next();
    expect(again.seq).toBeGreaterThan(item.seq);
    expect(bytes(again.msg)).toEqual(bytes(item.msg));
    expect(await h.router.admin.dlq.list()).toHaveLength(0);
    expect(await h.router.admin.dlq.purge()).toBe(0);
  });

  it("TTL: expired before delivery → DLQ with TTL_EXPIRED and FAILED ACK to the producer", async () => {
    const env = h.factory("alice").json(MessageType.DATA, { t: 1 }, { ttlMs: 5_000 });
    expect((await h.send(env, ["bob"])).accepted).toBe(true);
    h.clock.advance(6_000); // the sweep runs on the manual clock
    await new Promise((r) => setTimeout(r, 100));
    const [entry] = await h.router.admin.dlq.list({ errorCode: ErrorCode.TTL_EXPIRED });
    expect(entry?.messageId).toBe(env.messageId);
    const nack = await h.stream("alice").next();
    const body = JSON.parse(Buffer.from(nack.msg!.payload).toString());
    expect(body).toMatchObject({ ack_for_message_id: env.messageId, ack_stage: 5, error_code: ErrorCode.TTL_EXPIRED });
    expect(await h.stream("bob").quiet()).toBe(true);
  });

  it("TTL is also checked at dequeue time", async () => {
    await h.close();
    h = await startHarness({ sweepIntervalMs: 3_600_000 });
    h.directory.add("alice");
    h.directory.add("bob");
    const env = h.factory("alice").json(MessageType.DATA, {}, { ttlMs: 1_000 });
    await h.send(env, ["bob"]);
    h.clock.advance(2_000);
    const bob = h.stream("bob");
    expect(await bob.quiet()).toBe(true);
    expect((await h.router.admin.dlq.list())[0]?.errorCode).toBe(ErrorCode.TTL_EXPIRED);
  });
});
