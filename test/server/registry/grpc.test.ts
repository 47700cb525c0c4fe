import { DIRECTORY, ROUTER_ADMIN } from "@sw4rm/server";
import { startTestStack, type TestStack } from "@sw4rm/testing";
import type { ManualClock } from "@sw4rm/protocol";
import {
  AgentState,
  CONTENT_TYPES,
  DeliveryAckOutcome,
  type DeliveryAckResponse,
  type DeregisterAgentResponse,
  type HeartbeatResponse,
  MessageType,
  parseJsonBytes,
  type RegisterAgentResponse,
} from "@sw4rm/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { descriptor } from "../../support/agents.js";
import { registryClient, routerClient, unary } from "../../support/grpc.js";
import { openIncoming } from "../../support/stream.js";

describe("RegistryService over gRPC", () => {
  let server: TestStack;
  let registry: ReturnType<typeof registryClient>;

  beforeEach(async () => {
    server = await startTestStack({ config: { registry: { heartbeatIntervalMs: 1_000, missedHeartbeats: 3 } } });
    registry = registryClient(server.registryAddr);
  });
  afterEach(async () => {
    registry.close();
    await server.cleanup();
  });

  const register = (d: ReturnType<typeof descriptor>) =>
    unary<RegisterAgentResponse>((cb) => registry.registerAgent({ agent: d }, cb));
  const heartbeat = (agentId: string, state: AgentState) =>
    unary<HeartbeatResponse>((cb) => registry.heartbeat({ agentId, state, health: {} }, cb));
  const deregister = (agentId: string) =>
    unary<DeregisterAgentResponse>((cb) => registry.deregisterAgent({ agentId, reason: "test" }, cb));

  it("refuses an invalid descriptor with accepted=false and a reason", async () => {
    expect(await register(descriptor("a", { description: "w ".repeat(201) }))).toEqual({
      accepted: false,
      reason: expect.stringMatching(/^description: must be at most 200 words/),
    });
  });

  it("register, heartbeat, expiry (unavailable, kept), deregister", async () => {
    expect(await register(descriptor("a"))).toEqual({ accepted: true, reason: "" });
    expect(await heartbeat("a", AgentState.RUNNABLE)).toEqual({ ok: true });
    expect(await heartbeat("nobody", AgentState.RUNNABLE)).toEqual({ ok: false });
    (server.clock as ManualClock).advance(3_000);
    // Registry changes apply in arrival order: this call is answered after the expiry the advance queued.
    expect(await heartbeat("nobody", AgentState.RUNNABLE)).toEqual({ ok: false });
    expect(server.get(DIRECTORY)?.get("a")).toMatchObject({ available: false, state: AgentState.RUNNABLE });
    expect(await deregister("a")).toEqual({ ok: true });
    expect(await deregister("a")).toEqual({ ok: false });
    expect(server.get(DIRECTORY)?.list()).toEqual([]);
  });

  it("announces join, state, unavailability and leave to other agents as NOTIFICATION envelopes", async () => {
    await register(descriptor("watcher"));
    const router = routerClient(server.routerAddr);
    const incoming = openIncoming(router, "watcher");
    try {
      await register(descriptor("worker"));
      await heartbeat("watcher", AgentState.RUNNABLE); // keep watcher alive
      await heartbeat("worker", AgentState.RUNNABLE);
      (server.clock as ManualClock).advance(2_500);
      await heartbeat("watcher", AgentState.RUNNABLE);
      (server.clock as ManualClock).advance(600); // worker's window (3 s) ends
      await deregister("worker");

      const events: unknown[] = [];
      for (let i = 0; i < 4; i++) {
        const item = await incoming.next();
        const msg = item.msg;
        expect(msg?.messageType).toBe(MessageType.NOTIFICATION);
        expect(msg?.contentType).toBe(CONTENT_TYPES.registryEvent);
        expect(msg?.producerId).toBe("sw4rm.registry");
        events.push(parseJsonBytes(msg?.payload ?? new Uint8Array()));
        await unary<DeliveryAckResponse>((cb) =>
          router.ackDelivery(
            {
              agentId: "watcher",
              seq: item.seq,
              messageId: msg?.messageId ?? "",
              outcome: DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED,
            },
            cb,
          ),
        );
      }
      expect(events).toEqual([
        { event: "agent_joined", agent_id: "worker", state: "INITIALIZING", available: true, at: expect.any(String) },
        {
          event: "agent_state",
          agent_id: "worker",
          state: "RUNNABLE",
          previous_state: "INITIALIZING",
          available: true,
          at: expect.any(String),
        },
        { event: "agent_unavailable", agent_id: "worker", state: "RUNNABLE", available: false, at: expect.any(String) },
        { event: "agent_left", agent_id: "worker", reason: "test", at: expect.any(String) },
      ]);
    } finally {
      incoming.close();
      router.close();
    }
  });
});

describe("registry notifications switched off", () => {
  it("sends nothing when registry.notifications is false", async () => {
    const server = await startTestStack({ config: { registry: { notifications: false } } });
    const registry = registryClient(server.registryAddr);
    try {
      for (const id of ["a", "b"])
        await unary<RegisterAgentResponse>((cb) => registry.registerAgent({ agent: descriptor(id) }, cb));
      const depths = await server.get(ROUTER_ADMIN)?.queueDepths();
      expect(depths instanceof Map ? depths.size : depths).toBe(0);
    } finally {
      registry.close();
      await server.cleanup();
    }
  });
});
