import { EnvelopeFactory, jsonBytes, MessageType } from "@sw4rm/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AckStage, type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ preemptGraceMs: 5000, terminateGraceMs: 3000, maxNonPreemptibleMs: 20_000 });
  h.directory.set("agent-a");
});
afterEach(async () => {
  await h.close();
});

/** Starts a low-priority task and has the agent ACK it READ. */
async function startLow(priority = 10) {
  expect((await h.submit({ taskId: "low", priority, scope: "repo:low" })).reason).toBe("");
  const run = h.ingress.of("RUN", { taskId: "low" })[0]!;
  await h.ack(run, AckStage.READ);
  return run;
}

describe("cooperative preemption (spec §7.1–7.2)", () => {
  it("asks the running task to yield, re-queues it and runs the higher task next", async () => {
    const lowRun = await startLow();
    const high = await h.submit({ taskId: "high", priority: -5, scope: "repo:high" });
    expect(high.reason).toMatch(/preempting task low \(priority 10\)/);
    const [req] = h.ingress.of("PREEMPT_REQUEST");
    expect(req?.body).toMatchObject({ command: "PREEMPT_REQUEST", task_id: "low", grace_ms: 5000 });
    expect(req?.envelope.correlationId).toBe(lowRun.envelope.correlationId);
    expect(h.ingress.runs()).toEqual(["low"]);

    await h.ack(lowRun, AckStage.FULFILLED, "yielded at safe point (preempted)");
    expect(h.ingress.runs()).toEqual(["low", "high"]);
    const low = await h.scheduler.admin.task("low");
    expect(low).toMatchObject({ status: "QUEUED", preemptions: 1, runMessageId: "" });

    await h.ack(h.ingress.of("RUN", { taskId: "high" })[0]!, AckStage.FULFILLED);
    // The yielded task resumes with a new RUN (same task id, new message id).
    const reruns = h.ingress.of("RUN", { taskId: "low" });
    expect(reruns).toHaveLength(2);
    expect(reruns[1]?.envelope.messageId).not.toBe(lowRun.envelope.messageId);
    // No forced path afterwards.
    await h.advance(60_000);
    expect(h.ingress.of("TERMINATE")).toHaveLength(0);
  });

  it("accepts FULFILLED on the PREEMPT_REQUEST itself as the yield", async () => {
    await startLow();
    await h.submit({ taskId: "high", priority: 0, scope: "repo:high" });
    await h.ack(h.ingress.of("PREEMPT_REQUEST")[0]!, AckStage.FULFILLED);
    expect(h.ingress.runs()).toEqual(["low", "high"]);
    expect((await h.scheduler.admin.task("low"))?.status).toBe("QUEUED");
  });

  it("forces an agent that ignores the request: TERMINATE, then FAILED FORCED_PREEMPTION", async () => {
    await startLow();
    await h.submit({ taskId: "high", priority: -19, scope: "repo:high" });
    await h.advance(4999);
    expect(h.ingress.of("TERMINATE")).toHaveLength(0);
    await h.advance(1);
    const [term] = h.ingress.of("TERMINATE");
    expect(term?.body).toMatchObject({ command: "TERMINATE", task_id: "low", grace_ms: 3000 });
    expect(await h.scheduler.admin.task("low")).toMatchObject({ status: "FAILED", errorCode: "FORCED_PREEMPTION" });
    expect(h.ingress.runs()).toEqual(["low", "high"]);
  });

  it("defers the deadline for a declared non-preemptible section, up to its bound", async () => {
    const lowRun = await startLow();
    // Declared by notification: 8 s of non-preemptible work starting now.
    const agent = new EnvelopeFactory({ producerId: "agent-a", clock: h.clock });
    await h.scheduler.handleNotification(
      agent.create({
        messageType: MessageType.NOTIFICATION,
        payload: jsonBytes({ event: "non_preemptible", task_id: "low", max_ms: 8000 }),
        contentType: "application/json",
      }),
    );
    await h.submit({ taskId: "high", priority: -1, scope: "repo:high" });
    expect(h.ingress.of("PREEMPT_REQUEST")[0]?.body).toMatchObject({ grace_ms: 8000 });
    await h.advance(7000);
    expect(h.ingress.of("TERMINATE")).toHaveLength(0);
    // A second declaration via ACK note is capped at maxNonPreemptibleMs (20 s).
    await h.ack(lowRun, AckStage.READ, "non_preemptible max_ms=999999");
    await h.advance(19_999);
    expect(h.ingress.of("TERMINATE")).toHaveLength(0);
    await h.advance(1);
    expect(h.ingress.of("TERMINATE")).toHaveLength(1);
    expect((await h.scheduler.admin.task("low"))?.errorCode).toBe("FORCED_PREEMPTION");
  });

  it("never preempts for equal or lower priority", async () => {
    await startLow(3);
    const equal = await h.submit({ taskId: "equal", priority: 3, scope: "repo:eq" });
    const lower = await h.submit({ taskId: "lower", priority: 7, scope: "repo:lo" });
    expect(equal.reason).toBe("queued: agent agent-a at max_parallel_instances=1 (position 1)");
    expect(lower.reason).toBe("queued: agent agent-a at max_parallel_instances=1 (position 2)");
    await h.advance(60_000);
    expect(h.ingress.of("PREEMPT_REQUEST")).toHaveLength(0);
    expect((await h.scheduler.admin.task("low"))?.status).toBe("RUNNING");
  });

  it("RequestPreemption starts the same flow on demand and is idempotent", async () => {
    expect(await h.preempt("agent-a", "nope")).toBe(false);
    const lowRun = await startLow();
    expect(await h.preempt("agent-b", "low")).toBe(false);
    expect(await h.preempt("agent-a", "low", "operator")).toBe(true);
    expect(await h.preempt("agent-a", "low")).toBe(true);
    expect(h.ingress.of("PREEMPT_REQUEST")).toHaveLength(1);
    expect(h.ingress.of("PREEMPT_REQUEST")[0]?.body).toMatchObject({ reason: "operator" });
    await h.ack(lowRun, AckStage.FULFILLED, "yield");
    // Nothing better to run: the yielded task is dispatched again.
    expect(h.ingress.of("RUN", { taskId: "low" })).toHaveLength(2);
  });

  it("completion without a yield note while a preemption is pending counts as done", async () => {
    const lowRun = await startLow();
    await h.submit({ taskId: "high", priority: -2, scope: "repo:high" });
    await h.ack(lowRun, AckStage.FULFILLED, "all good");
    expect((await h.scheduler.admin.task("low"))?.status).toBe("DONE");
    expect(h.ingress.runs()).toEqual(["low", "high"]);
    await h.advance(10_000);
    expect(h.ingress.of("TERMINATE")).toHaveLength(0);
  });
});
