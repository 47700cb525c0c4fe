import { AckStage, buildAckEnvelope, CommunicationClass, ErrorCode, MessageType, parseAck } from "@sw4rm/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ inboundBufferCapacity: 2 });
  h.directory.add("alice");
  h.directory.add("bob");
});
afterEach(() => h.close());

describe("router admission", () => {
  it("buffer_full when the recipient's buffer is full, with a REJECTED NACK to the producer", async () => {
    const f = h.factory("alice");
    expect((await h.send(f.json(MessageType.DATA, {}), ["bob"])).accepted).toBe(true);
    expect((await h.send(f.json(MessageType.DATA, {}), ["bob"])).accepted).toBe(true);
    const third = f.json(MessageType.DATA, {});
    const r = await h.send(third, ["bob"]);
    expect(r.accepted).toBe(false);
    expect(r.reason).toMatch(/^buffer_full: /);
    const nack = parseAck((await h.stream("alice").next()).msg!);
    expect(nack).toMatchObject({
      ackForMessageId: third.messageId,
      ackStage: AckStage.REJECTED,
      errorCode: ErrorCode.BUFFER_FULL,
    });
  });

  it("oversize payload and a bad content_length are rejected naming the problem", async () => {
    const f = h.factory("alice");
    const big = f.create({ messageType: MessageType.HEARTBEAT, payload: new Uint8Array(5000) });
    expect((await h.send(big, ["bob"])).reason).toMatch(/^oversize_payload: payload: 5000 bytes/);
    const bad = { ...f.json(MessageType.DATA, { a: 1 }), contentLength: 99n };
    expect((await h.send(bad, ["bob"])).reason).toMatch(/^validation_error: content_length: /);
  });

  it("token dedup: ALREADY_IN_PROGRESS while in flight, DUPLICATE_DETECTED once delivered", async () => {
    const f = h.factory("alice");
    const first = f.json(MessageType.DATA, {}, { idempotencyToken: "alice:op:1" });
    expect((await h.send(first, ["bob"])).accepted).toBe(true);
    const r1 = await h.send(f.retry(first), ["bob"]);
    expect(r1.reason).toMatch(new RegExp(`^ALREADY_IN_PROGRESS original_message_id=${first.messageId}`));
    const item = await h.stream("bob").next();
    await h.ack("bob", item.seq, first.messageId);
    const r2 = await h.send(f.retry(first), ["bob"]);
    expect(r2.accepted).toBe(false);
    expect(r2.reason).toMatch(
      new RegExp(`^DUPLICATE_DETECTED original_message_id=${first.messageId} original_status=DELIVERED`),
    );
  });

  it("a terminal ACK stage makes a token duplicate", async () => {
    const f = h.factory("alice");
    const first = f.json(MessageType.DATA, {}, { idempotencyToken: "alice:op:2" });
    await h.send(first, ["bob"]);
    await h.send(buildAckEnvelope(h.factory("bob"), { ackFor: first, stage: AckStage.FULFILLED }));
    const r = await h.send(f.retry(first), ["bob"]);
    expect(r.reason).toMatch(/^DUPLICATE_DETECTED .*original_status=FULFILLED/);
  });

  it("retry fallback dedups on (producer, sequence); first attempts are never dropped", async () => {
    await h.close();
    h = await startHarness({ inboundBufferCapacity: 50 });
    h.directory.add("alice");
    h.directory.add("bob");
    const f = h.factory("alice");
    // Upstream SDKs send sequence_number 1 on every message: all first attempts pass.
    const same = () => ({ ...f.json(MessageType.DATA, {}), sequenceNumber: 1n });
    for (let i = 0; i < 3; i++) expect((await h.send(same(), ["bob"])).accepted).toBe(true);
    const orig = f.json(MessageType.DATA, { x: 1 });
    await h.send(orig, ["bob"]);
    const retry = f.retry(orig);
    expect(retry.retryCount).toBe(1);
    expect((await h.send(retry, ["bob"])).reason).toMatch(/^ALREADY_IN_PROGRESS original_message_id=/);
    const fresh = { ...f.retry(orig), sequenceNumber: orig.sequenceNumber + 1000n };
    expect((await h.send(fresh, ["bob"])).accepted).toBe(true);
  });

  it("lanes: PRIVILEGED first, then STANDARD:BULK 4:1, FIFO within a lane, BULK not starved", async () => {
    await h.close();
    h = await startHarness({ inboundBufferCapacity: 100, maxInFlightPerStream: 100 });
    h.directory.add("bob");
    h.directory.add("bulk", { cls: CommunicationClass.BULK });
    h.directory.add("std");
    h.directory.add("vip", { cls: CommunicationClass.PRIVILEGED });
    for (let i = 0; i < 10; i++) await h.send(h.factory("bulk").json(MessageType.DATA, { b: i }), ["bob"]);
    for (let i = 0; i < 10; i++) await h.send(h.factory("std").json(MessageType.DATA, { s: i }), ["bob"]);
    await h.send(h.factory("vip").json(MessageType.DATA, { p: 0 }), ["bob"]);
    await h.send(h.factory("std").json(MessageType.DATA, { p: 1 }), ["bob"], "PRIVILEGED");
    const bob = h.stream("bob");
    const order: string[] = [];
    for (let i = 0; i < 12; i++) order.push((await bob.next()).msg!.producerId);
    expect(order.slice(0, 2)).toEqual(["vip", "std"]);
    expect(order.slice(2, 12)).toEqual(["std", "std", "std", "std", "bulk", "std", "std", "std", "std", "bulk"]);
  });

  it("PRIVILEGED beyond its rate is served as STANDARD", async () => {
    await h.close();
    h = await startHarness({ inboundBufferCapacity: 100, privilegedBurst: 1, privilegedPerSecond: 0.001 });
    h.directory.add("bob");
    h.directory.add("vip", { cls: CommunicationClass.PRIVILEGED });
    h.directory.add("bulk", { cls: CommunicationClass.BULK });
    await h.send(h.factory("bulk").json(MessageType.DATA, {}), ["bob"]);
    await h.send(h.factory("vip").json(MessageType.DATA, { n: 1 }), ["bob"]);
    await h.send(h.factory("vip").json(MessageType.DATA, { n: 2 }), ["bob"]);
    const bob = h.stream("bob");
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await bob.next()).msg!.producerId);
    expect(got).toEqual(["vip", "vip", "bulk"]); // 2nd vip demoted to STANDARD, still ahead of BULK by weight
  });
});
