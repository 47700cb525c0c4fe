/**
 * One delivery shape on both receive paths (ack() and term() included, also on RouterSession
 * deliveries), and an aborted call is its own error (CANCELLED, reason "aborted"), never ACK_TIMEOUT.
 */
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { EnvelopeFactory, ErrorCode, GrpcStatus, MessageType, Sw4rmError } from "@sw4rm/protocol";
import { AckLifecycleManager, isAbortedError, RegistryClient, RouterClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgents } from "../support/index.js";
import { queueDepth } from "./support/capture.js";

let server: TestStack;
beforeAll(async () => {
  server = await startTestStack({ config: { registry: { notifications: false } } });
  await registerAgents(server.registryAddr, "term-fast", "term-canonical", "term-session", "abort-target");
});
afterAll(async () => {
  await server?.cleanup();
});

const depth = (agentId: string) => queueDepth(server, agentId);

async function failure(p: Promise<unknown>): Promise<Sw4rmError> {
  try {
    await p;
  } catch (error) {
    if (Sw4rmError.is(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe.each([
  { path: "fast path", fastPath: true, agent: "term-fast" },
  { path: "canonical StreamIncoming", fastPath: false, agent: "term-canonical" },
])("incoming() items over the $path", ({ fastPath, agent }) => {
  it("term() settles a delivery as a permanent failure: recorded, settled, not redelivered", async () => {
    const client = new RouterClient({ address: server.routerAddr, fastPath });
    try {
      const env = new EnvelopeFactory({ producerId: "p", clock: server.clock }).create({ messageType: MessageType.DATA });
      expect((await client.send(env, { to: agent })).accepted).toBe(true);
      const ctl = new AbortController();
      for await (const item of client.incoming(agent, { signal: ctl.signal })) {
        expect(item).toMatchObject({ agentId: agent, seq: expect.any(BigInt), settled: false });
        expect(item.envelope.messageId).toBe(env.messageId);
        expect(await item.term()).toBe(true);
        expect(item.settled).toBe(true);
        expect(await item.ack()).toBe(false); // settled once only
        ctl.abort();
      }
      expect(client.usesFastPath).toBe(fastPath);
      expect(await depth(agent)).toBe(0);
    } finally {
      client.close();
    }
  });
});

describe("RouterSession deliveries", () => {
  it("are DeliveredItems too: term() on a fast-path delivery is recorded once", async () => {
    const client = new RouterClient({ address: server.routerAddr });
    try {
      const env = new EnvelopeFactory({ producerId: "p", clock: server.clock }).create({ messageType: MessageType.DATA });
      expect((await client.send(env, { to: "term-session" })).accepted).toBe(true);
      const session = client.openSession({ agentId: "term-session", receive: true });
      await session.ready();
      for await (const d of session.deliveries()) {
        expect(d).toMatchObject({ agentId: "term-session", settled: false });
        expect(d.raw.byteLength).toBeGreaterThan(0);
        expect(await d.term()).toBe(true);
        expect(d.settled).toBe(true);
        break;
      }
      session.close();
      expect(await depth("term-session")).toBe(0);
    } finally {
      client.close();
    }
  });
});

describe("an aborted call", () => {
  const aborted = () => {
    const ctl = new AbortController();
    ctl.abort();
    return ctl.signal;
  };
  const expectAborted = (err: Sw4rmError) => {
    expect(err.grpcStatus).toBe(GrpcStatus.CANCELLED);
    expect(err.reason).toBe("aborted");
    expect(err.code).not.toBe(ErrorCode.ACK_TIMEOUT);
    expect(isAbortedError(err)).toBe(true);
  };

  it.each([true, false])("fails with CANCELLED, not ACK_TIMEOUT: send (fastPath %s), unary calls", async (fastPath) => {
    const router = new RouterClient({ address: server.routerAddr, fastPath });
    const registry = new RegistryClient({ address: server.registryAddr });
    try {
      const env = new EnvelopeFactory({ producerId: "p", clock: server.clock }).create({ messageType: MessageType.DATA });
      expectAborted(await failure(router.send(env, { to: "abort-target", signal: aborted() })));
      expectAborted(await failure(registry.heartbeat({ agentId: "abort-target" }, { signal: aborted() })));
      // A retry-safe call aborted during its backoff is aborted too (not its last transport error).
      const dead = new RegistryClient({ address: "127.0.0.1:1", retry: { maxAttempts: 5, initialDelayMs: 60_000 } });
      const ctl = new AbortController();
      const pending = failure(dead.heartbeat({ agentId: "x" }, { signal: ctl.signal }));
      setImmediate(() => ctl.abort());
      expectAborted(await pending);
      dead.close();
    } finally {
      router.close();
      registry.close();
    }
  });

  it("while waiting for an ACK rejects sendMessageWithAck with CANCELLED", async () => {
    const router = new RouterClient({ address: server.routerAddr });
    const factory = new EnvelopeFactory({ producerId: "waiter", clock: server.clock });
    let accepted: (accepted: boolean) => void = () => undefined;
    const sent = new Promise<boolean>((resolve) => {
      accepted = resolve;
    });
    const acks = new AckLifecycleManager({
      factory,
      send: async (env, to) => {
        const res = await router.send(env, { to });
        accepted(res.accepted);
        return res;
      },
    });
    try {
      const ctl = new AbortController();
      const waiting = failure(
        acks.sendMessageWithAck(factory.create({ messageType: MessageType.DATA }), {
          to: "abort-target",
          timeoutMs: 60_000,
          signal: ctl.signal,
        }),
      );
      // The send was accepted (no ACK will come: nobody consumes "abort-target"); now give up.
      expect(await sent).toBe(true);
      ctl.abort();
      expectAborted(await waiting);
    } finally {
      router.close();
    }
  });
});
