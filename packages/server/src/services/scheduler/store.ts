/**
 * The scheduler's storage seam: the durable record of tasks, CONTROL envelopes sent, activity entries
 * and pending shutdowns. The scheduler decides in memory and commits each step's changes here in one
 * call before anything of that step becomes visible (answers, events, CONTROL envelopes); at start it
 * resumes from `load()`. Stores hold no protocol rules (dedup, lifecycle order, limits): those live in
 * the scheduler. Every backend passes test/server/scheduler/schedulerStoreSuite.ts.
 */
import { compareQueueOrder } from "./planner.js";
import type { ActivityRecord, ControlRecord, ShutdownRecord, TaskFilter, TaskRecord, TaskStatus } from "./types.js";

/** What the scheduler resumes from. */
export interface SchedulerSnapshot {
  /** QUEUED, DISPATCHED and RUNNING tasks, in queue order (priority, submission time, seq). */
  readonly tasks: readonly TaskRecord[];
  readonly activity: readonly ActivityRecord[];
  readonly shutdowns: readonly ShutdownRecord[];
  /** Highest seq of any stored task (0 when none), so new tasks continue the submission order. */
  readonly maxSeq: number;
}

/** One atomic set of changes: all of it is applied, or none. Puts replace by id; deletes of absent ids are no-ops. */
export interface SchedulerChanges {
  readonly tasks?: readonly TaskRecord[];
  readonly controls?: readonly ControlRecord[];
  readonly activity?: readonly ActivityRecord[];
  /** Task ids whose activity entry is deleted (applied after the puts). */
  readonly deleteActivity?: readonly string[];
  readonly shutdowns?: readonly ShutdownRecord[];
  /** Agent ids whose pending shutdown is deleted (applied after the puts). */
  readonly deleteShutdowns?: readonly string[];
}

export interface SchedulerStore {
  load(): Promise<SchedulerSnapshot>;
  /** Applies `changes` atomically; durable once it resolves. */
  commit(changes: SchedulerChanges): Promise<void>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  /** Tasks matching `filter`, in queue order (priority, submission time, seq). */
  listTasks(filter?: TaskFilter): Promise<TaskRecord[]>;
  getControl(messageId: string): Promise<ControlRecord | undefined>;
  /**
   * Deletes the tasks that finished before `nowMs - windowMs` (their dedup window elapsed), with the
   * CONTROL records of those tasks; resolves with the number of tasks deleted.
   */
  pruneFinished(nowMs: number, windowMs: number): Promise<number>;
  /** Which store this is, for error messages, e.g. "the scheduler store (SQLite, /data/scheduler.db)". */
  describe(): string;
  close(): Promise<void>;
}

export const UNFINISHED_STATUSES: readonly TaskStatus[] = ["QUEUED", "DISPATCHED", "RUNNING"];

export function matchesFilter(task: TaskRecord, filter: TaskFilter): boolean {
  if (filter.agentId !== undefined && task.agentId !== filter.agentId) return false;
  if (filter.status === undefined) return true;
  return typeof filter.status === "string" ? task.status === filter.status : filter.status.includes(task.status);
}

/** Reference semantics of SchedulerStore, kept in memory (tests, `storage.backend: memory`). */
export class MemorySchedulerStore implements SchedulerStore {
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #controls = new Map<string, ControlRecord>();
  readonly #activity = new Map<string, ActivityRecord>();
  readonly #shutdowns = new Map<string, ShutdownRecord>();
  #closed = false;

  async load(): Promise<SchedulerSnapshot> {
    this.#open();
    let maxSeq = 0;
    for (const t of this.#tasks.values()) maxSeq = Math.max(maxSeq, t.seq);
    return {
      tasks: this.#list({ status: UNFINISHED_STATUSES }),
      activity: [...this.#activity.values()],
      shutdowns: [...this.#shutdowns.values()],
      maxSeq,
    };
  }

  async commit(changes: SchedulerChanges): Promise<void> {
    this.#open();
    for (const t of changes.tasks ?? []) this.#tasks.set(t.taskId, t);
    for (const c of changes.controls ?? []) this.#controls.set(c.messageId, c);
    for (const e of changes.activity ?? []) this.#activity.set(e.taskId, e);
    for (const s of changes.shutdowns ?? []) this.#shutdowns.set(s.agentId, s);
    for (const id of changes.deleteActivity ?? []) this.#activity.delete(id);
    for (const id of changes.deleteShutdowns ?? []) this.#shutdowns.delete(id);
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    this.#open();
    return this.#tasks.get(taskId);
  }

  async listTasks(filter: TaskFilter = {}): Promise<TaskRecord[]> {
    this.#open();
    return this.#list(filter);
  }

  async getControl(messageId: string): Promise<ControlRecord | undefined> {
    this.#open();
    return this.#controls.get(messageId);
  }

  async pruneFinished(nowMs: number, windowMs: number): Promise<number> {
    this.#open();
    const before = nowMs - windowMs;
    const pruned = new Set<string>();
    for (const t of this.#tasks.values())
      if (t.finishedAtMs !== undefined && t.finishedAtMs < before) pruned.add(t.taskId);
    for (const id of pruned) this.#tasks.delete(id);
    for (const c of this.#controls.values()) if (pruned.has(c.taskId)) this.#controls.delete(c.messageId);
    return pruned.size;
  }

  describe(): string {
    return "the scheduler store (memory, not durable)";
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #list(filter: TaskFilter): TaskRecord[] {
    return [...this.#tasks.values()].filter((t) => matchesFilter(t, filter)).sort(compareQueueOrder);
  }

  #open(): void {
    if (this.#closed) throw new Error(`${this.describe()} is closed`);
  }
}
