import { AckStage, buildAckEnvelope, CONTENT_TYPES, Envelope, MessageType, parseAck } from "@sw4rm/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  for (const a of ["alice", "bob", "carol"]) h.directory.add(a);
});
afterEach(() => h.close());

describe("router addressing", () => {
  it("unicast via sw4rm-to is durable before accepted and delivered with seq", async () => {
    const env = h.factory("alice").json(MessageType.DATA, { hi: 1 });
    const r = await h.send(env, ["bob"]);
    expect(r).toEqual({ accepted: true, reason: "" });
    expect((await h.router.admin.message(env.messageId))?.state).toBe("RECEIVED");
    const bob = h.stream("bob");
    const item = await bob.next();
    expect(item.seq).toBe(1n);
    expect(Envelope.encode(item.msg!).finish()).toEqual(Envelope.encode(env).finish());
    expect(await h.ack("bob", item.seq, env.messageId)).toBe(true);
  });

  it("unknown recipient → no_route", async () => {
    const r = await h.send(h.factory("alice").json(MessageType.DATA, {}), ["nobody"]);
    expect(r.accepted).toBe(false);
    expect(r.reason).toMatch(/^no_route: .*nobody/);
  });

  it("broadcast: an independent copy to every other agent", async () => {
    const env = h.factory("alice").json(MessageType.NOTIFICATION, { all: true });
    expect((await h.send(env)).accepted).toBe(true);
    const bob = await h.stream("bob").next();
    const carol = await h.stream("carol").next();
    expect(bob.msg?.messageId).toBe(env.messageId);
    expect(carol.msg?.messageId).toBe(env.messageId);
    expect(await h.ack("bob", bob.seq, env.messageId)).toBe(true);
    expect((await h.router.admin.message(env.messageId))?.pendingDeliveries).toBe(1);
    const alice = h.stream("alice");
    expect(await alice.quiet()).toBe(true);
  });

  it("ACK without recipient goes to the producer of the acknowledged message and updates its state", async () => {
    const req = h.factory("alice").json(MessageType.DATA, { q: 1 });
    await h.send(req, ["bob"]);
    const ack = buildAckEnvelope(h.factory("bob"), { ackFor: req, stage: AckStage.FULFILLED });
    expect((await h.send(ack)).accepted).toBe(true);
    const got = await h.stream("alice").next();
    expect(got.msg?.messageId).toBe(ack.messageId);
    expect(parseAck(got.msg!).ackForMessageId).toBe(req.messageId);
    expect((await h.router.admin.message(req.messageId))?.state).toBe("FULFILLED");
    const flow = await h.router.admin.messagesByCorrelation(req.correlationId);
    expect(flow.map((m) => m.messageId)).toEqual([req.messageId, ack.messageId]);
  });

  it("modality mismatch is rejected and NACKed to the producer", async () => {
    h.directory.add("texty", { modalities: ["text/plain"] });
    const env = h.factory("alice").json(MessageType.DATA, { x: 1 });
    const r = await h.send(env, ["texty"]);
    expect(r.accepted).toBe(false);
    expect(r.reason).toMatch(/^validation_error: content_type: agent "texty" does not accept "application\/json"/);
    const nack = await h.stream("alice").next();
    const body = parseAck(nack.msg!);
    expect(body.ackStage).toBe(AckStage.REJECTED);
    expect(body.ackForMessageId).toBe(env.messageId);
    expect(nack.msg?.contentType).toBe(CONTENT_TYPES.json);
  });

  it("empty agent_id on StreamIncoming → INVALID_ARGUMENT", async () => {
    const inbox = h.stream("");
    await expect(inbox.next()).rejects.toThrow(/agent_id/);
    expect((inbox.error as Error & { code?: number }).code).toBe(3);
  });

  it("group commit: concurrent submissions share transactions", async () => {
    h.directory.add("sink");
    const f = h.factory("alice");
    const results = await Promise.all(
      Array.from({ length: 8 }, () => h.router.ingress.submit(f.json(MessageType.DATA, {}), { to: ["sink"] })),
    );
    expect(results.every((r) => r.accepted)).toBe(true);
    expect(h.router.admin.stats().commitBatches).toBeLessThan(8);
  });
});
