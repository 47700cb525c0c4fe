import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AckStage, AgentState, type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** Completes the only RUN in flight for `agentId` and returns its task id. */
async function completeNext(agentId = "agent-a"): Promise<string> {
  const runs = h.ingress.of("RUN", { agentId });
  const last = runs.at(-1);
  if (last?.body.command !== "RUN") throw new Error("no RUN sent");
  await h.ack(last, AckStage.FULFILLED);
  return last.body.task_id;
}

describe("queue order (spec §7.1)", () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it("dispatches by priority, then FIFO by submission time", async () => {
    h.directory.set("agent-a", AgentState.INITIALIZING);
    for (const [taskId, priority] of [
      ["low", 5],
      ["mid-1", 0],
      ["mid-2", 0],
      ["high", -5],
    ] as const) {
      h.clock.advance(10);
      const res = await h.submit({ taskId, priority, scope: `repo:${taskId}` });
      expect(res.accepted).toBe(true);
      expect(res.reason).toMatch(/INITIALIZING/);
    }
    expect(h.ingress.sent).toHaveLength(0);
    h.directory.set("agent-a", AgentState.RUNNABLE);
    await h.scheduler.settled();
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push(await completeNext());
    expect(order).toEqual(["high", "mid-1", "mid-2", "low"]);
    expect(await h.scheduler.admin.tasks({ status: "DONE" })).toHaveLength(4);
  });

  it("sends RUN as a system CONTROL envelope from sw4rm-scheduler with the documented body", async () => {
    h.directory.set("agent-a");
    const params = JSON.stringify({ repo_id: "r1", worktree_id: "w1", branch: "main" });
    const res = await h.submit({
      taskId: "t1",
      priority: 3,
      params: Buffer.from(params),
      contentType: "application/json",
    });
    expect(res).toEqual({ accepted: true, reason: "" });
    const [run] = h.ingress.sent;
    expect(run?.envelope.producerId).toBe("sw4rm-scheduler");
    expect(run?.envelope.messageType).toBe(1);
    expect(run?.envelope.contentType).toBe("application/vnd.sw4rm.scheduler.command+json;v=1");
    expect(run?.envelope.repoId).toBe("r1");
    expect(run?.to).toEqual(["agent-a"]);
    expect(run?.system).toBe(true);
    expect(run?.body).toEqual({
      command: "RUN",
      task_id: "t1",
      priority: 3,
      scope: "repo:app",
      params_content_type: "application/json",
      params_b64: Buffer.from(params).toString("base64"),
    });
    await h.ack(run!, AckStage.READ);
    expect((await h.scheduler.admin.task("t1"))?.status).toBe("RUNNING");
    await h.ack(run!, AckStage.FAILED, "disk full", 99);
    expect(await h.scheduler.admin.task("t1")).toMatchObject({
      status: "FAILED",
      errorCode: "INTERNAL_ERROR",
      errorNote: "disk full",
    });
  });
});

describe("submission validation", () => {
  beforeEach(async () => {
    h = await startHarness();
    h.directory.set("agent-a");
  });

  it("refuses priorities outside -19..20 and accepts the bounds", async () => {
    for (const priority of [-20, 21, 100]) {
      const res = await h.submit({ taskId: `p${priority}`, priority });
      expect(res.accepted).toBe(false);
      expect(res.reason).toMatch(/priority: must be an integer from -19 \(highest\) to 20 \(lowest\)/);
    }
    expect((await h.submit({ taskId: "top", priority: -19, scope: "a" })).accepted).toBe(true);
    expect((await h.submit({ taskId: "bottom", priority: 20, scope: "b" })).accepted).toBe(true);
    expect(await h.scheduler.admin.task("p-20")).toBeUndefined();
  });

  it("refuses a submission without scope or task id", async () => {
    const noScope = await h.submit({ taskId: "t", scope: "  " });
    expect(noScope).toMatchObject({ accepted: false });
    expect(noScope.reason).toMatch(/scope: is required/);
    expect((await h.submit({ taskId: "" })).reason).toMatch(/task_id: is required/);
  });

  it("answers ALREADY_IN_PROGRESS while the task lives and DUPLICATE_DETECTED once it finished (spec §9.2)", async () => {
    expect((await h.submit({ taskId: "dup" })).accepted).toBe(true);
    const again = await h.submit({ taskId: "dup" });
    expect(again.accepted).toBe(false);
    expect(again.reason).toMatch(/^ALREADY_IN_PROGRESS/);
    await completeNext();
    const after = await h.submit({ taskId: "dup" });
    expect(after.accepted).toBe(false);
    expect(after.reason).toMatch(/^DUPLICATE_DETECTED: task dup already finished \(DONE/);
    expect(h.ingress.runs()).toEqual(["dup"]);
  });
});

describe("conflicts and parallel instances (spec §9)", () => {
  it("never runs overlapping scopes together and keeps them FIFO", async () => {
    h = await startHarness({ maxParallelInstances: 5 });
    h.directory.set("agent-a");
    h.directory.set("agent-b");
    await h.submit({ taskId: "repo", scope: "repo:app" });
    const sub = await h.submit({ taskId: "sub", scope: "repo:app/src", agentId: "agent-b" });
    const other = await h.submit({ taskId: "other", scope: "repo:application" });
    const sibling = await h.submit({ taskId: "sibling", scope: "repo:app/src/lib" });
    expect(sub.reason).toMatch(/queued: scope "repo:app\/src" overlaps dispatched task repo/);
    expect(other.reason).toBe("");
    expect(sibling.reason).toMatch(/overlaps earlier waiting task sub/);
    expect(h.ingress.runs()).toEqual(["repo", "other"]);
    await h.ack(h.ingress.of("RUN", { taskId: "repo" })[0]!, AckStage.FULFILLED);
    expect(h.ingress.runs()).toEqual(["repo", "other", "sub"]);
    await h.ack(h.ingress.of("RUN", { taskId: "sub" })[0]!, AckStage.FULFILLED);
    expect(h.ingress.runs()).toEqual(["repo", "other", "sub", "sibling"]);
    const star = await h.submit({ taskId: "star", scope: "*" });
    expect(star.reason).toMatch(/overlaps/);
  });

  it("respects max_parallel_instances and tells the requester its position", async () => {
    h = await startHarness({ maxParallelInstances: 1, maxParallelByAgent: { "agent-b": 2 } });
    h.directory.set("agent-a");
    h.directory.set("agent-b");
    expect((await h.submit({ taskId: "a1", scope: "s1" })).reason).toBe("");
    const a2 = await h.submit({ taskId: "a2", scope: "s2" });
    const a3 = await h.submit({ taskId: "a3", scope: "s3" });
    expect(a2).toEqual({ accepted: true, reason: "queued: agent agent-a at max_parallel_instances=1 (position 1)" });
    expect(a3.reason).toBe("queued: agent agent-a at max_parallel_instances=1 (position 2)");
    expect((await h.submit({ taskId: "b1", scope: "s4", agentId: "agent-b" })).reason).toBe("");
    expect((await h.submit({ taskId: "b2", scope: "s5", agentId: "agent-b" })).reason).toBe("");
    expect((await h.submit({ taskId: "b3", scope: "s6", agentId: "agent-b" })).reason).toMatch(
      /max_parallel_instances=2 \(position 1\)/,
    );
    expect(h.ingress.runs()).toEqual(["a1", "b1", "b2"]);
    await completeNext("agent-a");
    expect(h.ingress.runs()).toEqual(["a1", "b1", "b2", "a2"]);
  });

  it("gives an INITIALIZING agent nothing until it is RUNNABLE (spec §8.1)", async () => {
    h = await startHarness();
    h.directory.set("agent-a", AgentState.INITIALIZING);
    const res = await h.submit({ taskId: "t1" });
    expect(res.reason).toMatch(/queued: agent agent-a is INITIALIZING/);
    const unknown = await h.submit({ taskId: "t2", agentId: "ghost", scope: "g" });
    expect(unknown.reason).toMatch(/agent ghost is not registered/);
    h.clock.advance(1000);
    expect(h.ingress.sent).toHaveLength(0);
    h.directory.set("agent-a", AgentState.RUNNABLE);
    await h.scheduler.settled();
    expect(h.ingress.runs()).toEqual(["t1"]);
  });
});
