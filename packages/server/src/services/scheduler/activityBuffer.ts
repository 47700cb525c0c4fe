/**
 * The activity buffer (spec §10, §10.1, doc §1.13): one entry per dispatched task
 * <task_id, repo_id, worktree_id, branch, timestamp, description ≤ 200 words>, persisted per agent.
 * The scheduler creates it when it dispatches the task (on the agent's behalf, before execution) and
 * marks it inactive when the task finishes; PurgeActivity deletes inactive entries.
 *
 * Limits: active entries are capped globally and per agent; a full buffer rejects the new entry
 * with `activity_buffer_full` (never prunes a live one) and warns above 80 %. Inactive history is
 * evicted oldest-first past `historyLimit`. The buffer is advisory: callers log a rejection and go on
 * dispatching (spec §10: MUST NOT block scheduling).
 *
 * The entries live in memory (bounded by the limits above) and are committed with the scheduler step
 * that changes them; the store only keeps the durable copy.
 */
import { DEFAULTS, ErrorCode, parseJsonBytes, Sw4rmError, validationError } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { SchedulerStep } from "./step.js";
import type { ActivityLimits, ActivityRecord, TaskRecord } from "./types.js";

export const ACTIVITY_BUFFER_FULL = "activity_buffer_full";
/** Each id is looked up and committed as a delete: a 16 MiB request (8M ids) would stall every service. */
export const MAX_PURGE_TASK_IDS = 10_000;
export const MAX_DESCRIPTION_WORDS = 200;
const WARN_RATIO = 0.8;

export interface ResolvedActivityLimits {
  readonly maxActive: number;
  readonly maxActivePerAgent: number;
  readonly historyLimit: number;
}

export function resolveActivityLimits(limits: ActivityLimits = {}): ResolvedActivityLimits {
  return {
    maxActive: limits.maxActive ?? DEFAULTS.activityBufferLimit,
    maxActivePerAgent: limits.maxActivePerAgent ?? 100,
    historyLimit: limits.historyLimit ?? 1000,
  };
}

/** Why a PurgeActivity task id list (field task_ids) is refused, or undefined when it is acceptable. */
export function purgeProblem(taskIds: readonly string[]): string | undefined {
  if (taskIds.length <= MAX_PURGE_TASK_IDS) return undefined;
  return (
    `at most ${MAX_PURGE_TASK_IDS} per PurgeActivity, got ${taskIds.length} ` +
    "(an empty list purges all of the agent's finished entries)"
  );
}

/** Cuts a description to the spec's 200 words (whitespace-separated). */
export function limitWords(text: string, max = MAX_DESCRIPTION_WORDS): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length <= max ? text.trim() : words.slice(0, max).join(" ");
}

function str(o: Record<string, unknown>, ...keys: string[]): string {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string") return v;
  }
  return "";
}

/** repo/worktree/branch/description from the task params when they are a JSON object (else empty). */
export function activityFieldsFromParams(
  task: Pick<TaskRecord, "params" | "taskId" | "scope">,
): Pick<ActivityRecord, "repoId" | "worktreeId" | "branch" | "description"> {
  let o: Record<string, unknown> = {};
  if (task.params.byteLength > 0) {
    try {
      const body = parseJsonBytes(task.params);
      if (typeof body === "object" && body !== null && !Array.isArray(body)) o = body as Record<string, unknown>;
    } catch {
      // Params are opaque to the scheduler; non-JSON params just carry no activity metadata.
    }
  }
  const description = str(o, "description") || `task ${task.taskId} (scope ${task.scope})`;
  return {
    repoId: str(o, "repo_id", "repoId"),
    worktreeId: str(o, "worktree_id", "worktreeId"),
    branch: str(o, "branch"),
    description: limitWords(description),
  };
}

/** Newest completion first, then task id: the order in which finished entries are kept as history. */
function newestFirst(a: ActivityRecord, b: ActivityRecord): number {
  const byTime = (b.completedAtMs ?? Number.NEGATIVE_INFINITY) - (a.completedAtMs ?? Number.NEGATIVE_INFINITY);
  return byTime || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0);
}

function pollOrder(a: ActivityRecord, b: ActivityRecord): number {
  return a.timestampMs - b.timestampMs || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0);
}

export class ActivityBuffer {
  readonly #entries = new Map<string, ActivityRecord>();
  readonly #limits: ResolvedActivityLimits;
  readonly #logger: Logger;

  constructor(limits: ResolvedActivityLimits, logger: Logger) {
    this.#limits = limits;
    this.#logger = logger;
  }

  /** Adopts the entries read back from the store (restart). */
  load(entries: Iterable<ActivityRecord>): void {
    for (const e of entries) this.#entries.set(e.taskId, e);
  }

  get(taskId: string): ActivityRecord | undefined {
    return this.#entries.get(taskId);
  }

  /** Records the entry of a task being dispatched; throws `activity_buffer_full` when a limit is hit. */
  open(step: SchedulerStep, task: TaskRecord, nowMs: number): ActivityRecord {
    const existing = this.#entries.get(task.taskId);
    if (!existing?.active) {
      const { total, mine } = this.#countActive(task.agentId);
      const { maxActive, maxActivePerAgent } = this.#limits;
      if (total >= maxActive || mine >= maxActivePerAgent) {
        const which =
          total >= maxActive
            ? `${total}/${maxActive} active entries`
            : `${mine}/${maxActivePerAgent} active entries for agent ${task.agentId}`;
        throw new Sw4rmError(ErrorCode.OVERLOADED, `${ACTIVITY_BUFFER_FULL}: activity buffer holds ${which}`, {
          reason: ACTIVITY_BUFFER_FULL,
        });
      }
      // spec §10.1: SHOULD warn above 80 % of capacity.
      if (total + 1 > maxActive * WARN_RATIO || mine + 1 > maxActivePerAgent * WARN_RATIO)
        step.afterCommit(() =>
          this.#logger.warn(
            { agentId: task.agentId, active: total + 1, maxActive, agentActive: mine + 1, maxActivePerAgent },
            "activity buffer above 80% of capacity",
          ),
        );
    }
    const entry: ActivityRecord = {
      taskId: task.taskId,
      agentId: task.agentId,
      ...activityFieldsFromParams(task),
      timestampMs: nowMs,
      active: true,
      completedAtMs: undefined,
    };
    this.#put(step, entry);
    return entry;
  }

  /** Marks the task's entry finished (kept as short history until purged or evicted). */
  close(step: SchedulerStep, taskId: string, nowMs: number): void {
    const entry = this.#entries.get(taskId);
    if (!entry?.active) return;
    this.#put(step, { ...entry, active: false, completedAtMs: nowMs });
    this.#evictHistory(step);
  }

  /** The agent's entries, oldest first. */
  poll(agentId: string): ActivityRecord[] {
    return [...this.#entries.values()].filter((e) => e.agentId === agentId).sort(pollOrder);
  }

  /** Purges inactive entries (all of the agent's when `taskIds` is empty); live entries are never purged. */
  purge(step: SchedulerStep, agentId: string, taskIds: readonly string[]): number {
    const tooMany = purgeProblem(taskIds);
    if (tooMany) throw validationError("task_ids", tooMany);
    const doomed =
      taskIds.length === 0
        ? [...this.#entries.values()].filter((e) => e.agentId === agentId && !e.active)
        : [...new Set(taskIds)]
            .map((id) => this.#entries.get(id))
            .filter((e): e is ActivityRecord => e !== undefined && e.agentId === agentId && !e.active);
    for (const e of doomed) this.#delete(step, e.taskId);
    return doomed.length;
  }

  #countActive(agentId: string): { total: number; mine: number } {
    let total = 0;
    let mine = 0;
    for (const e of this.#entries.values()) {
      if (!e.active) continue;
      total++;
      if (e.agentId === agentId) mine++;
    }
    return { total, mine };
  }

  /** Keeps at most `historyLimit` inactive entries, the most recently completed ones. */
  #evictHistory(step: SchedulerStep): void {
    const inactive = [...this.#entries.values()].filter((e) => !e.active);
    const keep = Math.max(0, this.#limits.historyLimit);
    if (inactive.length <= keep) return;
    for (const e of inactive.sort(newestFirst).slice(keep)) this.#delete(step, e.taskId);
  }

  #put(step: SchedulerStep, entry: ActivityRecord): void {
    const previous = this.#entries.get(entry.taskId);
    this.#entries.set(entry.taskId, entry);
    step.putActivity(entry);
    step.onUndo(() => this.#restore(entry.taskId, previous));
  }

  #delete(step: SchedulerStep, taskId: string): void {
    const previous = this.#entries.get(taskId);
    this.#entries.delete(taskId);
    step.deleteActivity(taskId);
    step.onUndo(() => this.#restore(taskId, previous));
  }

  #restore(taskId: string, previous: ActivityRecord | undefined): void {
    if (previous) this.#entries.set(taskId, previous);
    else this.#entries.delete(taskId);
  }
}
