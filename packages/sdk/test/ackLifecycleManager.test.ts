import {
  AckStage,
  buildAckEnvelope,
  EnvelopeFactory,
  ErrorCode,
  ManualClock,
  MessageType,
  Sw4rmError,
} from "@sw4rm/protocol";
import { AckLifecycleManager, PersistentActivityBuffer } from "@sw4rm/sdk";
import { describe, expect, it } from "vitest";
import { FakeRouter, flush } from "./support/fakeRouter.js";

function setup() {
  const clock = new ManualClock();
  const router = new FakeRouter();
  const alice = new EnvelopeFactory({ producerId: "alice", clock });
  const bob = new EnvelopeFactory({ producerId: "bob", clock });
  const buffer = new PersistentActivityBuffer({ clock });
  const mgr = new AckLifecycleManager({
    factory: alice,
    clock,
    buffer,
    send: (e, to) => router.send(e, { to }),
  });
  return { clock, router, alice, bob, buffer, mgr };
}

describe("AckLifecycleManager", () => {
  it("resolves only on a real ACK from the recipient reaching the requested stage", async () => {
    const { alice, bob, mgr } = setup();
    const env = alice.create({ messageType: MessageType.DATA, payload: "x" });
    let resolved = false;
    const p = mgr.sendMessageWithAck(env, { to: "bob", until: AckStage.FULFILLED }).then((e) => {
      resolved = true;
      return e;
    });
    await flush();
    mgr.handleAck(
      buildAckEnvelope(new EnvelopeFactory({ producerId: "mallory" }), { ackFor: env, stage: AckStage.FULFILLED }),
    );
    mgr.handleAck(buildAckEnvelope(bob, { ackFor: env, stage: AckStage.READ }));
    await flush();
    expect(resolved).toBe(false);
    mgr.handleAck(buildAckEnvelope(bob, { ackFor: env, stage: AckStage.FULFILLED, note: "done" }));
    expect((await p).ack.note).toBe("done");
  });

  it("times out with ACK_TIMEOUT after 10 s, then records a late ACK without changing state", async () => {
    const { clock, alice, bob, buffer, mgr } = setup();
    const env = alice.create({ messageType: MessageType.DATA });
    const p = mgr.sendMessageWithAck(env, { to: "bob" });
    await flush();
    clock.advance(9_999);
    clock.advance(1);
    const err = await p.catch((e: unknown) => e);
    expect(Sw4rmError.is(err) && err.code === ErrorCode.ACK_TIMEOUT).toBe(true);
    const late = mgr.handleAck(buildAckEnvelope(bob, { ackFor: env, stage: AckStage.FULFILLED }));
    expect(late.late).toBe(true);
    expect(mgr.lateAcks).toHaveLength(1);
    expect(buffer.get(env.messageId)?.ackStage).toBe(AckStage.TIMED_OUT);
  });

  it("sendAck addresses the producer of a received message; reconcileAcks marks stale sends", async () => {
    const { clock, router, alice, bob, buffer, mgr } = setup();
    const incoming = bob.create({ messageType: MessageType.DATA });
    buffer.recordIncoming(incoming);
    await mgr.sendAck(incoming.messageId, AckStage.FULFILLED, "ok");
    expect(router.sent.at(-1)?.to).toEqual(["bob"]);
    const out = alice.create({ messageType: MessageType.DATA });
    buffer.recordOutgoing(out, ["bob"]);
    clock.advance(10_000);
    expect(mgr.reconcileAcks()).toEqual([out.messageId]);
    expect(buffer.get(out.messageId)?.ackStage).toBe(AckStage.TIMED_OUT);
  });

  it("an abort while the send is still in flight rejects with CANCELLED (aborted), detached from the signal", async () => {
    const clock = new ManualClock();
    const alice = new EnvelopeFactory({ producerId: "alice", clock });
    let release: () => void = () => undefined;
    const mgr = new AckLifecycleManager({
      factory: alice,
      clock,
      send: () =>
        new Promise((resolve) => {
          release = () => resolve({ accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED });
        }),
    });
    const ctl = new AbortController();
    const p = mgr
      .sendMessageWithAck(alice.create({ messageType: MessageType.DATA }), { to: "bob", signal: ctl.signal })
      .catch((e: unknown) => e);
    await flush();
    ctl.abort();
    await flush(); // the rejection is handled even though the send has not returned yet
    release();
    const err = await p;
    expect(Sw4rmError.is(err) && [err.code, err.grpcStatus, err.reason]).toEqual([
      ErrorCode.ERROR_CODE_UNSPECIFIED,
      1, // CANCELLED
      "aborted",
    ]);
    expect(clock.pendingTimers).toBe(0);
  });
});
