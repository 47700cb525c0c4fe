import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  MemorySchedulerStore,
  SCHEDULER_SCHEMA_VERSION,
  SqliteSchedulerStore,
  type TaskRecord,
  type TaskStatus,
} from "../../../packages/server/src/services/scheduler/index.js";
import { makeTempDir } from "../../support/index.js";
import { runSchedulerStoreSuite } from "./schedulerStoreSuite.js";

const dir = makeTempDir();
afterAll(() => dir.cleanup());
let n = 0;
let last = "";

runSchedulerStoreSuite("sqlite", {
  make: () => {
    last = join(dir.path, `scheduler-${n++}.db`);
    return new SqliteSchedulerStore(last);
  },
  reopen: () => new SqliteSchedulerStore(last),
});

runSchedulerStoreSuite("memory", { make: () => new MemorySchedulerStore() });

/** The schema exactly as earlier servers created it (scheduler.db, user_version 1). */
const PREVIOUS_RELEASE_DDL = `
CREATE TABLE tasks (task_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, priority INTEGER NOT NULL,
  scope TEXT NOT NULL, params BLOB NOT NULL, params_content_type TEXT NOT NULL, correlation_id TEXT NOT NULL,
  status TEXT NOT NULL, seq INTEGER NOT NULL, submitted_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL, run_message_id TEXT NOT NULL, preempt_deadline INTEGER, preempt_reason TEXT NOT NULL,
  non_preemptible_until INTEGER, preemptions INTEGER NOT NULL, error_code TEXT NOT NULL, error_note TEXT NOT NULL,
  activity_error TEXT NOT NULL, finished_at INTEGER);
CREATE INDEX tasks_status ON tasks(status, priority, submitted_at, seq);
CREATE INDEX tasks_agent ON tasks(agent_id, status);
CREATE INDEX tasks_finished ON tasks(finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE controls (message_id TEXT PRIMARY KEY, command TEXT NOT NULL, agent_id TEXT NOT NULL,
  task_id TEXT NOT NULL, sent_at INTEGER NOT NULL);
CREATE INDEX controls_task ON controls(task_id);
CREATE TABLE activity (task_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, repo_id TEXT NOT NULL,
  worktree_id TEXT NOT NULL, branch TEXT NOT NULL, description TEXT NOT NULL, timestamp INTEGER NOT NULL,
  active INTEGER NOT NULL, completed_at INTEGER);
CREATE INDEX activity_agent ON activity(agent_id, active);
CREATE TABLE shutdowns (agent_id TEXT PRIMARY KEY, requested_at INTEGER NOT NULL, deadline INTEGER NOT NULL,
  reason TEXT NOT NULL);
PRAGMA user_version = 1;
`;

describe("SqliteSchedulerStore", () => {
  it("opens a scheduler.db written by the previous release unchanged and resumes from it", async () => {
    const file = join(dir.path, "existing-scheduler.db");
    const db = new Database(file);
    db.exec(PREVIOUS_RELEASE_DDL);
    const row = ["t1", "agent-a", 2, "repo:a", Buffer.from("{}"), "application/json", "c1", "RUNNING", 7, 10, 11];
    const rest = [1, "m1", null, "", 50, 0, "", "", "", null];
    db.prepare(`INSERT INTO tasks VALUES (${Array(21).fill("?").join(", ")})`).run(...row, ...rest);
    db.prepare("INSERT INTO controls VALUES (?, ?, ?, ?, ?)").run("m1", "RUN", "agent-a", "t1", 11);
    const entry = ["t1", "agent-a", "r", "w", "main", "task t1", 11, 1, null];
    db.prepare("INSERT INTO activity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run(...entry);
    db.prepare("INSERT INTO shutdowns VALUES (?, ?, ?, ?)").run("agent-b", 5, 9, "drain");
    db.close();

    const store = new SqliteSchedulerStore(file);
    expect(store.describe()).toBe(`the scheduler store (SQLite, ${file})`);
    const snapshot = await store.load();
    expect(snapshot.maxSeq).toBe(7);
    expect(snapshot.tasks).toEqual([
      {
        taskId: "t1",
        agentId: "agent-a",
        priority: 2,
        scope: "repo:a",
        params: new TextEncoder().encode("{}"),
        paramsContentType: "application/json",
        correlationId: "c1",
        status: "RUNNING",
        seq: 7,
        submittedAtMs: 10,
        updatedAtMs: 11,
        attempts: 1,
        runMessageId: "m1",
        preemptDeadlineMs: undefined,
        preemptReason: "",
        nonPreemptibleUntilMs: 50,
        preemptions: 0,
        errorCode: "",
        errorNote: "",
        activityError: "",
        finishedAtMs: undefined,
      },
    ]);
    expect(snapshot.activity).toMatchObject([{ taskId: "t1", repoId: "r", active: true, completedAtMs: undefined }]);
    expect(snapshot.shutdowns).toEqual([{ agentId: "agent-b", requestedAtMs: 5, deadlineMs: 9, reason: "drain" }]);
    expect(await store.getControl("m1")).toEqual({
      messageId: "m1",
      command: "RUN",
      agentId: "agent-a",
      taskId: "t1",
      sentAtMs: 11,
    });
    await store.close();
  });

  it("refuses a scheduler.db from a newer server instead of guessing its schema", () => {
    const file = join(dir.path, "newer-scheduler.db");
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEDULER_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteSchedulerStore(file)).toThrow(/schema version 2 is newer than this server \(1\)/);
  });

  it("applies a commit whole or not at all", async () => {
    const store = new SqliteSchedulerStore(join(dir.path, "atomic.db"));
    const valid: TaskRecord = {
      taskId: "ok",
      agentId: "a",
      priority: 0,
      scope: "s",
      params: new Uint8Array(),
      paramsContentType: "",
      correlationId: "c",
      status: "QUEUED",
      seq: 1,
      submittedAtMs: 0,
      updatedAtMs: 0,
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
    };
    // A record the table refuses (status is NOT NULL) fails the commit after the first put ran.
    const broken = { ...valid, taskId: "broken", status: undefined as unknown as TaskStatus };
    const shutdowns = [{ agentId: "a", requestedAtMs: 0, deadlineMs: 1, reason: "" }];
    await expect(store.commit({ tasks: [valid, broken], shutdowns })).rejects.toThrow(/NOT NULL/);
    expect(await store.load()).toEqual({ tasks: [], activity: [], shutdowns: [], maxSeq: 0 });
    expect(await store.getTask("ok")).toBeUndefined();
    await store.close();
  });
});
