/**
 * Refusals keep their ErrorCode on both send paths (fast-path session frames carry the code; the
 * canonical SendMessage reason is parsed), and the ACK tracker uses it: BUFFER_FULL stays a
 * retryable BUFFER_FULL, NO_ROUTE stays NO_ROUTE.
 */
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { AckStage, EnvelopeFactory, ErrorCode, GrpcStatus, MessageType, Sw4rmError } from "@sw4rm/protocol";
import { Agent, RouterClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgents } from "../support/index.js";

const CAPACITY = 2;
let server: TestStack;

beforeAll(async () => {
  server = await startTestStack({
    config: { registry: { notifications: false }, router: { options: { inboundBufferCapacity: CAPACITY } } },
  });
  await registerAgents(server.registryAddr, "full-fast", "full-canonical", "ack-full-fast", "ack-full-canonical");
});
afterAll(async () => {
  await server?.cleanup();
});

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
  { path: "fast path", fastPath: true, suffix: "fast" },
  { path: "canonical SendMessage", fastPath: false, suffix: "canonical" },
])("SendResult.errorCode over the $path", ({ fastPath, suffix }) => {
  it("is NO_ROUTE for an unknown recipient and BUFFER_FULL once its inbox is full", async () => {
    const client = new RouterClient({ address: server.routerAddr, fastPath });
    try {
      const f = new EnvelopeFactory({ producerId: `producer-${suffix}`, clock: server.clock });
      const noRoute = await client.send(f.create({ messageType: MessageType.DATA, payload: "x" }), { to: "nobody" });
      expect(client.usesFastPath).toBe(fastPath);
      expect(noRoute).toMatchObject({ accepted: false, errorCode: ErrorCode.NO_ROUTE });
      expect(noRoute.reason).toMatch(/^no_route: no registered agent "nobody"/);

      const to = `full-${suffix}`;
      for (let i = 0; i < CAPACITY; i++) {
        const ok = await client.send(f.create({ messageType: MessageType.DATA, payload: `m${i}` }), { to });
        expect(ok).toEqual({ accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED });
      }
      const full = await client.send(f.create({ messageType: MessageType.DATA, payload: "one too many" }), { to });
      expect(full).toMatchObject({ accepted: false, errorCode: ErrorCode.BUFFER_FULL });
      expect(full.reason).toMatch(/^buffer_full: inbound buffer of "full-/);
    } finally {
      client.close();
    }
  });

  it("sendMessageWithAck rejects with the router's code: BUFFER_FULL (retryable), NO_ROUTE (final)", async () => {
    const router = new RouterClient({ address: server.routerAddr, fastPath });
    const agent = new Agent({ agentId: `acker-${suffix}`, name: "acker", router, registryAddress: server.registryAddr });
    await agent.start();
    try {
      const to = `ack-full-${suffix}`;
      for (let i = 0; i < CAPACITY; i++)
        expect((await agent.send(to, { messageType: MessageType.DATA, payload: `m${i}` })).accepted).toBe(true);

      const full = agent.envelopes.create({ messageType: MessageType.DATA, payload: "full" });
      const busy = await failure(agent.sendAndWait(full, { to, until: AckStage.FULFILLED }));
      expect(busy.code).toBe(ErrorCode.BUFFER_FULL);
      expect(busy.retryable).toBe(true);
      expect(busy.grpcStatus).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(agent.buffer.get(full.messageId)).toMatchObject({
        ackStage: AckStage.REJECTED,
        errorCode: ErrorCode.BUFFER_FULL,
      });

      const lost = agent.envelopes.create({ messageType: MessageType.DATA, payload: "lost" });
      const noRoute = await failure(agent.sendAndWait(lost, { to: "nobody" }));
      expect(noRoute.code).toBe(ErrorCode.NO_ROUTE);
      expect(noRoute.retryable).toBe(false);
      expect(agent.buffer.get(lost.messageId)?.errorCode).toBe(ErrorCode.NO_ROUTE);
    } finally {
      await agent.stop();
      router.close();
    }
  });
});
