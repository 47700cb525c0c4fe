/** SchedulerStore in its own SQLite file (`scheduler.db` in the data directory), opened through the shared helper. */
import type { SqliteDatabase } from "../../storage/index.js";
import { openDatabase } from "../../storage/index.js";
import { type SchedulerChanges, type SchedulerSnapshot, type SchedulerStore, UNFINISHED_STATUSES } from "./store.js";
import type {
  ActivityRecord,
  ControlCommand,
  ControlRecord,
  TaskFilter,
  TaskRecord,
  TaskStatus,
} from "./types.js";

export const SCHEDULER_SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS tasks (
  task_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  priority INTEGER NOT NULL,
  scope TEXT NOT NULL,
  params BLOB NOT NULL,
  params_content_type TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  status TEXT NOT NULL,
  seq INTEGER NOT NULL,
  submitted_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  run_message_id TEXT NOT NULL,
  preempt_deadline INTEGER,
  preempt_reason TEXT NOT NULL,
  non_preemptible_until INTEGER,
  preemptions INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error_note TEXT NOT NULL,
  activity_error TEXT NOT NULL,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks(status, priority, submitted_at, seq);
CREATE INDEX IF NOT EXISTS tasks_agent ON tasks(agent_id, status);
CREATE INDEX IF NOT EXISTS tasks_finished ON tasks(finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS controls (
  message_id TEXT PRIMARY KEY,
  command TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS controls_task ON controls(task_id);
CREATE TABLE IF NOT EXISTS activity (
  task_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  repo_id TEXT NOT NULL,
  worktree_id TEXT NOT NULL,
  branch TEXT NOT NULL,
  description TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  active INTEGER NOT NULL,
  completed_at INTEGER
);
CREATE INDEX IF NOT EXISTS activity_agent ON activity(agent_id, active);
CREATE TABLE IF NOT EXISTS shutdowns (
  agent_id TEXT PRIMARY KEY,
  requested_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  reason TEXT NOT NULL
);
`;

interface TaskRow {
  task_id: string;
  agent_id: string;
  priority: number;
  scope: string;
  params: Buffer;
  params_content_type: string;
  correlation_id: string;
  status: string;
  seq: number;
  submitted_at: number;
  updated_at: number;
  attempts: number;
  run_message_id: string;
  preempt_deadline: number | null;
  preempt_reason: string;
  non_preemptible_until: number | null;
  preemptions: number;
  error_code: string;
  error_note: string;
  activity_error: string;
  finished_at: number | null;
}

interface ActivityRow {
  task_id: string;
  agent_id: string;
  repo_id: string;
  worktree_id: string;
  branch: string;
  description: string;
  timestamp: number;
  active: number;
  completed_at: number | null;
}

interface ControlRow {
  message_id: string;
  command: string;
  agent_id: string;
  task_id: string;
  sent_at: number;
}

interface ShutdownRow {
  agent_id: string;
  requested_at: number;
  deadline: number;
  reason: string;
}

const opt = (v: number | null): number | undefined => (v === null ? undefined : v);

function taskFromRow(r: TaskRow): TaskRecord {
  return {
    taskId: r.task_id,
    agentId: r.agent_id,
    priority: r.priority,
    scope: r.scope,
    params: new Uint8Array(r.params),
    paramsContentType: r.params_content_type,
    correlationId: r.correlation_id,
    status: r.status as TaskStatus,
    seq: r.seq,
    submittedAtMs: r.submitted_at,
    updatedAtMs: r.updated_at,
    attempts: r.attempts,
    runMessageId: r.run_message_id,
    preemptDeadlineMs: opt(r.preempt_deadline),
    preemptReason: r.preempt_reason,
    nonPreemptibleUntilMs: opt(r.non_preemptible_until),
    preemptions: r.preemptions,
    errorCode: r.error_code,
    errorNote: r.error_note,
    activityError: r.activity_error,
    finishedAtMs: opt(r.finished_at),
  };
}

function taskToRow(t: TaskRecord): TaskRow {
  return {
    task_id: t.taskId,
    agent_id: t.agentId,
    priority: t.priority,
    scope: t.scope,
    params: Buffer.from(t.params),
    params_content_type: t.paramsContentType,
    correlation_id: t.correlationId,
    status: t.status,
    seq: t.seq,
    submitted_at: t.submittedAtMs,
    updated_at: t.updatedAtMs,
    attempts: t.attempts,
    run_message_id: t.runMessageId,
    preempt_deadline: t.preemptDeadlineMs ?? null,
    preempt_reason: t.preemptReason,
    non_preemptible_until: t.nonPreemptibleUntilMs ?? null,
    preemptions: t.preemptions,
    error_code: t.errorCode,
    error_note: t.errorNote,
    activity_error: t.activityError,
    finished_at: t.finishedAtMs ?? null,
  };
}

function activityFromRow(r: ActivityRow): ActivityRecord {
  return {
    taskId: r.task_id,
    agentId: r.agent_id,
    repoId: r.repo_id,
    worktreeId: r.worktree_id,
    branch: r.branch,
    description: r.description,
    timestampMs: r.timestamp,
    active: r.active === 1,
    completedAtMs: opt(r.completed_at),
  };
}

export class SqliteSchedulerStore implements SchedulerStore {
  readonly file: string;
  readonly #db: SqliteDatabase;
  readonly #apply: (changes: SchedulerChanges) => void;

  /** Throws CorruptDatabaseError naming the file when it exists but is unusable. */
  constructor(file: string) {
    this.file = file;
    this.#db = openDatabase(file);
    const version = this.#db.pragma("user_version", { simple: true });
    if (typeof version === "number" && version > SCHEDULER_SCHEMA_VERSION)
      throw new Error(`${file}: schema version ${version} is newer than this server (${SCHEDULER_SCHEMA_VERSION})`);
    this.#db.exec(DDL);
    this.#db.pragma(`user_version = ${SCHEDULER_SCHEMA_VERSION}`);
    const putTask = this.#db.prepare(
      `INSERT OR REPLACE INTO tasks VALUES (@task_id, @agent_id, @priority, @scope, @params, @params_content_type,
       @correlation_id, @status, @seq, @submitted_at, @updated_at, @attempts, @run_message_id, @preempt_deadline,
       @preempt_reason, @non_preemptible_until, @preemptions, @error_code, @error_note, @activity_error, @finished_at)`,
    );
    const putControl = this.#db.prepare("INSERT OR REPLACE INTO controls VALUES (?, ?, ?, ?, ?)");
    const putActivity = this.#db.prepare("INSERT OR REPLACE INTO activity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const putShutdown = this.#db.prepare("INSERT OR REPLACE INTO shutdowns VALUES (?, ?, ?, ?)");
    const deleteActivity = this.#db.prepare("DELETE FROM activity WHERE task_id = ?");
    const deleteShutdown = this.#db.prepare("DELETE FROM shutdowns WHERE agent_id = ?");
    this.#apply = this.#db.transaction((changes: SchedulerChanges) => {
      for (const t of changes.tasks ?? []) putTask.run(taskToRow(t));
      for (const c of changes.controls ?? []) putControl.run(c.messageId, c.command, c.agentId, c.taskId, c.sentAtMs);
      for (const e of changes.activity ?? [])
        putActivity.run(
          e.taskId,
          e.agentId,
          e.repoId,
          e.worktreeId,
          e.branch,
          e.description,
          e.timestampMs,
          e.active ? 1 : 0,
          e.completedAtMs ?? null,
        );
      for (const s of changes.shutdowns ?? []) putShutdown.run(s.agentId, s.requestedAtMs, s.deadlineMs, s.reason);
      for (const id of changes.deleteActivity ?? []) deleteActivity.run(id);
      for (const id of changes.deleteShutdowns ?? []) deleteShutdown.run(id);
    });
  }

  async load(): Promise<SchedulerSnapshot> {
    const read = this.#db.transaction(() => ({
      tasks: this.#list({ status: UNFINISHED_STATUSES }),
      activity: (this.#db.prepare("SELECT * FROM activity").all() as ActivityRow[]).map(activityFromRow),
      shutdowns: (this.#db.prepare("SELECT * FROM shutdowns").all() as ShutdownRow[]).map((r) => ({
        agentId: r.agent_id,
        requestedAtMs: r.requested_at,
        deadlineMs: r.deadline,
        reason: r.reason,
      })),
      maxSeq: (this.#db.prepare("SELECT MAX(seq) FROM tasks").pluck().get() as number | null) ?? 0,
    }));
    return read();
  }

  async commit(changes: SchedulerChanges): Promise<void> {
    this.#apply(changes);
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    const row = this.#db.prepare("SELECT * FROM tasks WHERE task_id = ?").get(taskId) as TaskRow | undefined;
    return row ? taskFromRow(row) : undefined;
  }

  async listTasks(filter: TaskFilter = {}): Promise<TaskRecord[]> {
    return this.#list(filter);
  }

  async getControl(messageId: string): Promise<ControlRecord | undefined> {
    const r = this.#db.prepare("SELECT * FROM controls WHERE message_id = ?").get(messageId) as ControlRow | undefined;
    if (!r) return undefined;
    return {
      messageId: r.message_id,
      command: r.command as ControlCommand,
      agentId: r.agent_id,
      taskId: r.task_id,
      sentAtMs: r.sent_at,
    };
  }

  async pruneFinished(nowMs: number, windowMs: number): Promise<number> {
    const before = nowMs - windowMs;
    const prune = this.#db.transaction(() => {
      this.#db
        .prepare(
          `DELETE FROM controls WHERE task_id IN
           (SELECT task_id FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?)`,
        )
        .run(before);
      return this.#db.prepare("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?").run(before)
        .changes;
    });
    return prune();
  }

  describe(): string {
    return `the scheduler store (SQLite, ${this.file})`;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #list(filter: TaskFilter): TaskRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.agentId !== undefined) {
      where.push("agent_id = ?");
      args.push(filter.agentId);
    }
    if (filter.status !== undefined) {
      const statuses: readonly TaskStatus[] = typeof filter.status === "string" ? [filter.status] : filter.status;
      where.push(`status IN (${statuses.map(() => "?").join(",") || "NULL"})`);
      args.push(...statuses);
    }
    const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY priority, submitted_at, seq`;
    return (this.#db.prepare(sql).all(...args) as TaskRow[]).map(taskFromRow);
  }
}
