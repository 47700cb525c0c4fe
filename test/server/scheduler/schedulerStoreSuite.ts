/** One behavioural suite every SchedulerStore backend must pass (memory and SQLite now, JetStream later). */
import { describe, expect, it } from "vitest";
import type {
  ActivityRecord,
  ControlRecord,
  SchedulerStore,
  ShutdownRecord,
  TaskRecord,
} from "../../../packages/server/src/services/scheduler/index.js";

export interface StoreFactory {
  /** A fresh, empty store. */
  make(): SchedulerStore;
  /** Reopens the store `make` last returned (after close); undefined for non-durable backends. */
  reopen?(): SchedulerStore;
}

const T0 = 1_767_225_600_000;

function task(taskId: string, patch: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId,
    agentId: "agent-a",
    priority: 0,
    scope: "repo:app/src",
    params: new TextEncoder().encode(`{"λ":"${taskId} ✓"}`),
    paramsContentType: "application/json",
    correlationId: `corr-${taskId}`,
    status: "QUEUED",
    seq: 1,
    submittedAtMs: T0,
    updatedAtMs: T0,
    attempts: 0,
    runMessageId: "",
    preemptDeadlineMs: undefined,
    preemptReason: "",
    nonPreemptibleUntilMs: undefined,
    preemptions: 0,
    errorCode: "",
    errorNote: "",
    activityError: "",
    finishedAtMs: undefined,
    ...patch,
  };
}

/** A task with every optional field set. */
function fullTask(taskId: string): TaskRecord {
  return task(taskId, {
    agentId: "agent-b",
    priority: -19,
    status: "FAILED",
    seq: 42,
    updatedAtMs: T0 + 5,
    attempts: 3,
    runMessageId: "msg-run-3",
    preemptDeadlineMs: T0 + 10,
    preemptReason: "task hi with priority -19 waits",
    nonPreemptibleUntilMs: T0 + 20,
    preemptions: 2,
    errorCode: "FORCED_PREEMPTION",
    errorNote: "not yielded by …",
    activityError: "activity_buffer_full: 2/2",
    finishedAtMs: T0 + 30,
  });
}

function control(messageId: string, taskId: string, patch: Partial<ControlRecord> = {}): ControlRecord {
  return { messageId, command: "RUN", agentId: "agent-a", taskId, sentAtMs: T0, ...patch };
}

function activity(taskId: string, patch: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    taskId,
    agentId: "agent-a",
    repoId: "repo-1",
    worktreeId: "wt-1",
    branch: "feat/ü",
    description: "word ".repeat(3).trim(),
    timestampMs: T0,
    active: true,
    completedAtMs: undefined,
    ...patch,
  };
}

function shutdown(agentId: string, patch: Partial<ShutdownRecord> = {}): ShutdownRecord {
  const reason = "ShutdownAgent: drain within 30000 ms";
  return { agentId, requestedAtMs: T0, deadlineMs: T0 + 30_000, reason, ...patch };
}

const byTaskId = (a: { taskId: string }, b: { taskId: string }) => (a.taskId < b.taskId ? -1 : 1);
const byAgentId = (a: { agentId: string }, b: { agentId: string }) => (a.agentId < b.agentId ? -1 : 1);

export function runSchedulerStoreSuite(name: string, factory: StoreFactory): void {
  describe(`SchedulerStore: ${name}`, () => {
    it("starts empty", async () => {
      const store = factory.make();
      expect(await store.load()).toEqual({ tasks: [], activity: [], shutdowns: [], maxSeq: 0 });
      expect(await store.getTask("t")).toBeUndefined();
      expect(await store.listTasks()).toEqual([]);
      expect(await store.getControl("m")).toBeUndefined();
      await store.close();
    });

    it("returns committed tasks field for field, with and without the optional fields", async () => {
      const store = factory.make();
      await store.commit({ tasks: [task("plain"), fullTask("full")] });
      expect(await store.getTask("plain")).toEqual(task("plain"));
      expect(await store.getTask("full")).toEqual(fullTask("full"));
      await store.close();
    });

    it("a put replaces the task with the same id", async () => {
      const store = factory.make();
      await store.commit({ tasks: [task("t")] });
      const running = task("t", { status: "RUNNING", attempts: 1, runMessageId: "m1", updatedAtMs: T0 + 1 });
      await store.commit({ tasks: [running] });
      expect(await store.getTask("t")).toEqual(running);
      expect(await store.listTasks()).toEqual([running]);
      await store.close();
    });

    it("load returns the unfinished tasks in queue order and the highest seq of all tasks", async () => {
      const store = factory.make();
      await store.commit({
        tasks: [
          task("late", { priority: 0, submittedAtMs: T0 + 5, seq: 3 }),
          task("urgent", { priority: -5, submittedAtMs: T0 + 9, seq: 4, status: "RUNNING" }),
          task("tie-b", { priority: 0, submittedAtMs: T0, seq: 2, status: "DISPATCHED" }),
          task("tie-a", { priority: 0, submittedAtMs: T0, seq: 1 }),
          task("done", { seq: 9, status: "DONE", finishedAtMs: T0 }),
          task("failed", { seq: 7, status: "FAILED", finishedAtMs: T0 }),
        ],
      });
      const snapshot = await store.load();
      expect(snapshot.tasks.map((t) => t.taskId)).toEqual(["urgent", "tie-a", "tie-b", "late"]);
      expect(snapshot.maxSeq).toBe(9);
      await store.close();
    });

    it("lists tasks by agent and by one or several statuses, in queue order", async () => {
      const store = factory.make();
      await store.commit({
        tasks: [
          task("a1", { seq: 1, priority: 3 }),
          task("a2", { seq: 2, status: "DONE", finishedAtMs: T0 }),
          task("b1", { seq: 3, agentId: "agent-b", status: "RUNNING" }),
          task("b2", { seq: 4, agentId: "agent-b", priority: -1 }),
        ],
      });
      const ids = (tasks: TaskRecord[]) => tasks.map((t) => t.taskId);
      expect(ids(await store.listTasks())).toEqual(["b2", "a2", "b1", "a1"]);
      expect(ids(await store.listTasks({ agentId: "agent-b" }))).toEqual(["b2", "b1"]);
      expect(ids(await store.listTasks({ status: "QUEUED" }))).toEqual(["b2", "a1"]);
      expect(ids(await store.listTasks({ status: ["DONE", "RUNNING"] }))).toEqual(["a2", "b1"]);
      expect(ids(await store.listTasks({ agentId: "agent-a", status: "QUEUED" }))).toEqual(["a1"]);
      expect(await store.listTasks({ status: [] })).toEqual([]);
      expect(await store.listTasks({ agentId: "nobody" })).toEqual([]);
      await store.close();
    });

    it("keeps control records by message id", async () => {
      const store = factory.make();
      const run = control("m-run", "t");
      const shut = control("m-shut", "", { command: "SHUTDOWN", agentId: "agent-b", sentAtMs: T0 + 3 });
      await store.commit({ controls: [run, shut] });
      expect(await store.getControl("m-run")).toEqual(run);
      expect(await store.getControl("m-shut")).toEqual(shut);
      expect(await store.getControl("m-other")).toBeUndefined();
      await store.close();
    });

    it("puts, replaces and deletes activity entries and pending shutdowns", async () => {
      const store = factory.make();
      await store.commit({
        activity: [activity("t1"), activity("t2", { agentId: "agent-b" }), activity("t3")],
        shutdowns: [shutdown("agent-a"), shutdown("agent-b")],
      });
      const closed = activity("t1", { active: false, completedAtMs: T0 + 7 });
      const later = shutdown("agent-a", { deadlineMs: T0 + 1, reason: "again" });
      await store.commit({
        activity: [closed],
        deleteActivity: ["t3", "never-existed"],
        shutdowns: [later],
        deleteShutdowns: ["agent-b", "nobody"],
      });
      const snapshot = await store.load();
      expect([...snapshot.activity].sort(byTaskId)).toEqual([closed, activity("t2", { agentId: "agent-b" })]);
      expect([...snapshot.shutdowns].sort(byAgentId)).toEqual([later]);
      await store.close();
    });

    it("applies the deletes of a commit after its puts", async () => {
      const store = factory.make();
      await store.commit({
        activity: [activity("t1")],
        deleteActivity: ["t1"],
        shutdowns: [shutdown("agent-a")],
        deleteShutdowns: ["agent-a"],
      });
      const snapshot = await store.load();
      expect(snapshot.activity).toEqual([]);
      expect(snapshot.shutdowns).toEqual([]);
      await store.close();
    });

    it("prunes the tasks whose dedup window elapsed, with their control records, and nothing else", async () => {
      const store = factory.make();
      const now = T0 + 10_000;
      const window = 1_000;
      await store.commit({
        tasks: [
          task("old-done", { seq: 1, status: "DONE", finishedAtMs: now - window - 1 }),
          task("old-failed", { seq: 2, status: "FAILED", finishedAtMs: T0 }),
          task("edge", { seq: 3, status: "DONE", finishedAtMs: now - window }),
          task("recent", { seq: 4, status: "DONE", finishedAtMs: now - 1 }),
          task("queued", { seq: 5, submittedAtMs: T0 }),
        ],
        controls: [control("c-old", "old-done"), control("c-edge", "edge"), control("c-queued", "queued")],
      });
      expect(await store.pruneFinished(now, window)).toBe(2);
      expect((await store.listTasks()).map((t) => t.taskId).sort()).toEqual(["edge", "queued", "recent"]);
      expect(await store.getControl("c-old")).toBeUndefined();
      expect(await store.getControl("c-edge")).toEqual(control("c-edge", "edge"));
      expect(await store.getControl("c-queued")).toEqual(control("c-queued", "queued"));
      expect(await store.pruneFinished(now, window)).toBe(0);
      await store.close();
    });

    it("describes itself for error messages", async () => {
      const store = factory.make();
      expect(store.describe()).toMatch(/^the scheduler store \(.+\)$/);
      await store.close();
    });

    it("refuses to be used after close", async () => {
      const store = factory.make();
      await store.close();
      await expect(store.load()).rejects.toThrow();
      await expect(store.commit({ tasks: [task("t")] })).rejects.toThrow();
    });

    it("keeps everything committed across close and reopen (durable backends)", async () => {
      if (!factory.reopen) return;
      const store = factory.make();
      await store.commit({
        tasks: [task("q", { seq: 5 }), fullTask("f")],
        controls: [control("m", "q")],
        activity: [activity("q")],
        shutdowns: [shutdown("agent-a")],
      });
      await store.close();
      const again = factory.reopen();
      expect(await again.load()).toEqual({
        tasks: [task("q", { seq: 5 })],
        activity: [activity("q")],
        shutdowns: [shutdown("agent-a")],
        maxSeq: 42,
      });
      expect(await again.getTask("f")).toEqual(fullTask("f"));
      expect(await again.getControl("m")).toEqual(control("m", "q"));
      await again.close();
    });
  });
}
