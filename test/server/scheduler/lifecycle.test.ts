import { afterEach, describe, expect, it } from "vitest";
import { AckStage, AgentState, type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe("ShutdownAgent (spec §8.4)", () => {
  it("sends SHUTDOWN, refuses new work and fails the running task past the grace", async () => {
    h = await startHarness();
    h.directory.set("agent-a");
    await h.submit({ taskId: "t1", scope: "s1" });
    await h.ack(h.ingress.of("RUN")[0]!, AckStage.READ);
    await h.submit({ taskId: "t2", scope: "s2" });
    expect(await h.shutdown("agent-a", 2000)).toBe(true);
    expect(await h.shutdown("agent-a", 2000)).toBe(true);
    const shutdowns = h.ingress.of("SHUTDOWN");
    expect(shutdowns).toHaveLength(1);
    expect(shutdowns[0]?.body).toMatchObject({ command: "SHUTDOWN", grace_ms: 2000 });
    const refused = await h.submit({ taskId: "t3", scope: "s3" });
    expect(refused).toMatchObject({ accepted: false });
    expect(refused.reason).toMatch(/shutting down/);
    await h.advance(1999);
    expect((await h.scheduler.admin.task("t1"))?.status).toBe("RUNNING");
    await h.advance(1);
    expect(await h.scheduler.admin.task("t1")).toMatchObject({ status: "FAILED", errorCode: "agent_shutdown_timeout" });
    // The queued task is not dispatched to an agent that is shutting down.
    expect(h.ingress.runs()).toEqual(["t1"]);
    expect((await h.scheduler.admin.task("t2"))?.status).toBe("QUEUED");
  });

  it("a task finished within the grace is not failed", async () => {
    h = await startHarness();
    h.directory.set("agent-a");
    await h.submit({ taskId: "t1" });
    await h.shutdown("agent-a", 5000);
    await h.ack(h.ingress.of("RUN")[0]!, AckStage.FULFILLED);
    await h.advance(10_000);
    expect((await h.scheduler.admin.task("t1"))?.status).toBe("DONE");
  });
});

describe("activity buffer (spec §10)", () => {
  it("creates entries on dispatch, marks them on completion, polls and purges", async () => {
    h = await startHarness({ maxParallelInstances: 3 });
    h.directory.set("agent-a");
    const params = Buffer.from(
      JSON.stringify({ repo_id: "r", worktree_id: "w", branch: "feat", description: "word ".repeat(250) }),
    );
    await h.submit({ taskId: "t1", scope: "s1", params, contentType: "application/json" });
    await h.submit({ taskId: "t2", scope: "s2" });
    const polled = await h.poll("agent-a");
    expect(polled.entries.map((e) => e.taskId)).toEqual(["t1", "t2"]);
    const [e1, e2] = polled.entries;
    expect(e1).toMatchObject({ repoId: "r", worktreeId: "w", branch: "feat", timestamp: "2026-01-01T00:00:00.000Z" });
    expect(e1?.description.split(" ")).toHaveLength(200);
    expect(e2?.description).toBe("task t2 (scope s2)");
    // Live entries are never purged.
    expect(await h.purge("agent-a", [])).toBe(0);
    await h.ack(h.ingress.of("RUN", { taskId: "t1" })[0]!, AckStage.FULFILLED);
    await h.ack(h.ingress.of("RUN", { taskId: "t2" })[0]!, AckStage.FAILED, "boom");
    expect((await h.poll("agent-a")).entries).toHaveLength(2);
    expect(await h.purge("agent-a", ["t1", "unknown"])).toBe(1);
    expect(await h.purge("agent-a", [])).toBe(1);
    expect((await h.poll("agent-a")).entries).toHaveLength(0);
    expect((await h.poll("nobody")).entries).toHaveLength(0);
  });

  it("rejects a new entry with activity_buffer_full instead of pruning, warns above 80 %, keeps scheduling", async () => {
    h = await startHarness({ maxParallelInstances: 5, activity: { maxActivePerAgent: 2, maxActive: 10 } });
    h.directory.set("agent-a");
    await h.submit({ taskId: "t1", scope: "s1" });
    const second = await h.submit({ taskId: "t2", scope: "s2" });
    expect(second.reason).toBe("");
    expect(h.logs.some((l) => String(l.msg).includes("above 80%"))).toBe(true);
    const third = await h.submit({ taskId: "t3", scope: "s3" });
    expect(third.accepted).toBe(true);
    expect(third.reason).toMatch(/^activity_buffer_full/);
    // Advisory: the task still runs; the live entries are intact.
    expect(h.ingress.runs()).toEqual(["t1", "t2", "t3"]);
    expect((await h.scheduler.admin.task("t3"))?.activityError).toMatch(/activity_buffer_full/);
    expect((await h.poll("agent-a")).entries.map((e) => e.taskId)).toEqual(["t1", "t2"]);
  });
});

describe("agent state timeouts (spec §8.3)", () => {
  it("records and logs an agent stuck INITIALIZING, and stops dispatching to it", async () => {
    h = await startHarness();
    const events: unknown[] = [];
    h.scheduler.onEvent((e) => {
      if (e.type === "agent_state_timeout") events.push(e);
    });
    h.directory.set("agent-a", AgentState.INITIALIZING);
    await h.advance(60_000);
    expect(events).toEqual([
      {
        type: "agent_state_timeout",
        agentId: "agent-a",
        state: "INITIALIZING",
        code: "init_timeout",
        atMs: h.clock.now(),
      },
    ]);
    expect(h.logs.some((l) => l.msg === "agent agent-a timed out in INITIALIZING (init_timeout)")).toBe(true);
    expect(h.scheduler.admin.agentTimeouts()).toHaveLength(1);
    h.directory.set("agent-a", AgentState.RUNNABLE);
    expect(h.scheduler.admin.agentTimeouts()).toHaveLength(0);
    expect((await h.submit({ taskId: "t1" })).reason).toBe("");
  });
});

describe("durability", () => {
  it("restores the queue and re-dispatches a task that was RUNNING when the server stopped", async () => {
    h = await startHarness();
    h.directory.set("agent-a");
    await h.submit({ taskId: "running", priority: 5, scope: "s1" });
    const firstRun = h.ingress.of("RUN")[0]!;
    await h.ack(firstRun, AckStage.READ);
    await h.submit({ taskId: "queued-1", priority: 0, scope: "s2" });
    await h.submit({ taskId: "queued-2", priority: 0, scope: "s3" });
    await h.submit({ taskId: "done-later", priority: 9, scope: "s4", agentId: "agent-b" });
    h.directory.set("agent-a", AgentState.INITIALIZING);
    await h.restart();
    expect((await h.scheduler.admin.tasks({ status: "QUEUED" })).map((t) => t.taskId)).toEqual([
      "queued-1",
      "queued-2",
      "running",
      "done-later",
    ]);
    expect(h.ingress.runs()).toEqual(["running"]);
    h.directory.set("agent-a", AgentState.RUNNABLE);
    await h.scheduler.settled();
    // Priority order after restart: the two priority-0 tasks first, then the re-dispatched one.
    await h.ack(h.ingress.of("RUN").at(-1)!, AckStage.FULFILLED);
    await h.ack(h.ingress.of("RUN").at(-1)!, AckStage.FULFILLED);
    const reruns = h.ingress.of("RUN", { taskId: "running" });
    expect(h.ingress.runs()).toEqual(["running", "queued-1", "queued-2", "running"]);
    expect(reruns[1]?.envelope.messageId).not.toBe(firstRun.envelope.messageId);
    // A late ACK for the pre-restart RUN is ignored; the new one completes the task.
    await h.ack(firstRun, AckStage.FULFILLED);
    expect((await h.scheduler.admin.task("running"))?.status).toBe("DISPATCHED");
    await h.ack(reruns[1]!, AckStage.FULFILLED);
    expect(await h.scheduler.admin.task("running")).toMatchObject({ status: "DONE", attempts: 2 });
    // Duplicate detection survives the restart too.
    await h.restart();
    expect((await h.submit({ taskId: "running", scope: "s1" })).reason).toMatch(/^DUPLICATE_DETECTED/);
  });

  it("keeps a pending shutdown across a restart", async () => {
    h = await startHarness();
    h.directory.set("agent-a");
    await h.shutdown("agent-a", 1000);
    await h.restart();
    expect((await h.submit({ taskId: "t1" })).reason).toMatch(/shutting down/);
    expect(await h.scheduler.admin.shutdowns()).toHaveLength(1);
  });
});
