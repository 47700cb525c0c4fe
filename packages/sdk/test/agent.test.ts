import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckStage, AgentState, EnvelopeFactory, ManualClock, MessageType, parseAck } from "@sw4rm/protocol";
import { Agent } from "@sw4rm/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { FakeRegistry, FakeRouter, flush } from "./support/fakeRouter.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function acksFor(router: FakeRouter, to: string) {
  return router.sent
    .filter((s) => s.envelope.messageType === MessageType.ACKNOWLEDGEMENT && s.to.includes(to))
    .map((s) => parseAck(s.envelope));
}

describe("Agent (in-memory router)", () => {
  it("registers, heartbeats with its state, dispatches, ACKs and deregisters", async () => {
    const clock = new ManualClock();
    const router = new FakeRouter();
    const registry = new FakeRegistry();
    const agent = new Agent({ agentId: "echo", name: "Echo", router, registry, clock, heartbeatIntervalMs: 1_000 });
    agent.on(MessageType.DATA, (m) => `echo:${m.text()}`);
    await agent.start();
    expect(agent.state).toBe(AgentState.RUNNING);
    clock.advance(1_000);
    await flush();
    const alice = new EnvelopeFactory({ producerId: "alice", clock });
    await router.send(alice.create({ messageType: MessageType.DATA, payload: "hi" }), { to: "echo" });
    await flush();
    expect(acksFor(router, "alice").map((a) => [a.ackStage, a.note])).toEqual([
      [AckStage.READ, ""],
      [AckStage.FULFILLED, "echo:hi"],
    ]);
    expect(router.unacked("echo")).toBe(0);
    await agent.stop();
    // Readiness is reported at start, then once per interval, then SHUTTING_DOWN before deregistering.
    expect(registry.calls).toEqual([
      "register",
      `heartbeat:${AgentState.RUNNING}`,
      `heartbeat:${AgentState.RUNNING}`,
      `heartbeat:${AgentState.SHUTTING_DOWN}`,
      "deregister",
    ]);
  });

  it("crash after effect + completion record, before AckDelivery: redelivered, not re-run, re-ACKed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sw4rm-agent-"));
    dirs.push(dir);
    const clock = new ManualClock();
    const router = new FakeRouter();
    let effects = 0;
    const make = () =>
      new Agent({ agentId: "worker", name: "W", router, registry: new FakeRegistry(), clock, dataDir: dir }).on(
        MessageType.DATA,
        () => {
          effects += 1;
          return "charged";
        },
      );
    const first = make();
    await first.start();
    router.failAcks = true; // the process "dies" before AckDelivery reaches the router
    const alice = new EnvelopeFactory({ producerId: "alice", clock });
    await router.send(alice.create({ messageType: MessageType.DATA, idempotencyToken: "alice:charge:42" }), {
      to: "worker",
    });
    await flush();
    expect(effects).toBe(1);
    expect(router.unacked("worker")).toBe(1);
    await first.stop();

    router.failAcks = false;
    const second = make();
    await second.start();
    await flush();
    expect(effects).toBe(1);
    expect(router.unacked("worker")).toBe(0);
    const stages = acksFor(router, "alice").map((a) => a.ackStage);
    expect(stages.filter((s) => s === AckStage.FULFILLED)).toHaveLength(2);
    await second.stop();
  });

  it("RUN / PREEMPT_REQUEST: the task yields at its next checkpoint and is ACKed FULFILLED 'preempted'", async () => {
    const clock = new ManualClock();
    const router = new FakeRouter();
    const agent = new Agent({ agentId: "t", name: "T", router, registry: new FakeRegistry(), clock });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    agent.onTask(async (ctx) => {
      await gate;
      await ctx.checkpoint();
      return "finished";
    });
    await agent.start();
    const sched = new EnvelopeFactory({ producerId: "scheduler", clock });
    const run = sched.json(MessageType.CONTROL, { command: "RUN", task_id: "t1" });
    await router.send(run, { to: "t" });
    await flush();
    await router.send(sched.json(MessageType.CONTROL, { command: "PREEMPT_REQUEST", task_id: "t1" }), { to: "t" });
    await flush();
    release();
    await flush();
    const runAcks = acksFor(router, "scheduler").filter((a) => a.ackForMessageId === run.messageId);
    expect(runAcks.at(-1)).toMatchObject({ ackStage: AckStage.FULFILLED, note: "preempted" });
    await agent.stop();
  });

  it("nonPreemptible defers preemption until the section ends", async () => {
    const clock = new ManualClock();
    const router = new FakeRouter();
    const agent = new Agent({ agentId: "np", name: "NP", router, registry: new FakeRegistry(), clock });
    const log: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    agent.onTask(async (ctx) => {
      await ctx.nonPreemptible(5_000, async () => {
        await gate;
        await ctx.checkpoint(); // does not throw inside the section
        log.push("section done");
      });
      await ctx.checkpoint();
      log.push("not reached");
    });
    await agent.start();
    const sched = new EnvelopeFactory({ producerId: "scheduler", clock });
    await router.send(sched.json(MessageType.CONTROL, { command: "RUN", task_id: "x" }), { to: "np" });
    await flush();
    await router.send(sched.json(MessageType.CONTROL, { command: "PREEMPT_REQUEST", task_id: "x" }), { to: "np" });
    await flush();
    release();
    await flush();
    expect(log).toEqual(["section done"]);
    await agent.stop();
  });
});
