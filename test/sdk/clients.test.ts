import { startTestStack, type TestStack } from "@sw4rm/testing";
import { AckStage, EnvelopeFactory, ErrorCode, MessageType, Sw4rmError, systemClock } from "@sw4rm/protocol";
import { RegistryClient, RouterClient, SchedulerClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestStack;
let router: RouterClient;
let registry: RegistryClient;

beforeAll(async () => {
  server = await startTestStack({ clock: systemClock });
  router = new RouterClient({ address: server.routerAddr });
  registry = new RegistryClient({ address: server.registryAddr });
});
afterAll(async () => {
  router?.close();
  registry?.close();
  await server?.cleanup();
});

async function register(agentId: string) {
  const res = await registry.registerAgent({
    agent: {
      agentId,
      name: agentId,
      modalitiesSupported: ["application/json", "text/plain", "application/octet-stream"],
    },
  });
  expect(res.accepted).toBe(true);
}

describe("SDK clients against the real server", () => {
  it("registry: register, heartbeat, deregister", async () => {
    await register("c-reg");
    expect((await registry.heartbeat({ agentId: "c-reg" })).ok).toBe(true);
    expect((await registry.deregisterAgent({ agentId: "c-reg", reason: "test" })).ok).toBe(true);
  });

  it("router: send with sw4rm-to, incoming yields delivered items, ack() settles them", async () => {
    await register("c-bob");
    const alice = new EnvelopeFactory({ producerId: "c-alice" });
    const env = alice.create({ messageType: MessageType.DATA, payload: "hello" });
    const res = await router.send(env, { to: "c-bob" });
    expect(res.accepted).toBe(true);
    const ctl = new AbortController();
    for await (const item of router.incoming("c-bob", { signal: ctl.signal })) {
      expect(item.envelope.messageId).toBe(env.messageId);
      expect(await item.ack()).toBe(true);
      expect(item.settled).toBe(true);
      break;
    }
    ctl.abort();
  });

  it("un-acked items are redelivered with the same seq on the next stream", async () => {
    await register("c-carol");
    const f = new EnvelopeFactory({ producerId: "c-alice" });
    await router.send(f.create({ messageType: MessageType.DATA, payload: "again" }), { to: "c-carol" });
    let firstSeq: bigint | undefined;
    for await (const item of router.incoming("c-carol")) {
      firstSeq = item.seq;
      break; // closes the stream without acking
    }
    for await (const item of router.incoming("c-carol")) {
      expect(item.seq).toBe(firstSeq);
      await item.ack();
      break;
    }
  });

  it("errors are typed Sw4rmErrors; aborting a call rejects promptly", async () => {
    const err = await router
      .send(new EnvelopeFactory({ producerId: "c-x" }).create({ messageType: MessageType.DATA }), { to: "nobody-here" })
      .then((r) => r)
      .catch((e: unknown) => e);
    if (Sw4rmError.is(err)) expect(typeof err.code).toBe("number");
    else expect(err).toMatchObject({ accepted: expect.any(Boolean) });
    const ctl = new AbortController();
    ctl.abort();
    await expect(registry.heartbeat({ agentId: "c-x" }, { signal: ctl.signal })).rejects.toSatisfy(Sw4rmError.is);
  });

  it("a service that is not running fails with UNAVAILABLE after retries (retry-safe call)", async () => {
    const sched = new SchedulerClient({
      address: "127.0.0.1:1",
      retry: { maxAttempts: 2, initialDelayMs: 10 },
      deadlineMs: 2_000,
    });
    const err = await sched.pollActivityBuffer({}).catch((e: unknown) => e);
    expect(Sw4rmError.is(err) && err.code === ErrorCode.AGENT_UNAVAILABLE).toBe(true);
    sched.close();
    expect(AckStage.FULFILLED).toBe(3);
  });
});
