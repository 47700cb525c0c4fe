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
 */
import { DEFAULTS, ErrorCode, parseJsonBytes, Sw4rmError, validationError } from "@sw4rm/protocol";
import type { Logger } from "../contracts.js";
import type { ActivityLimits, ActivityRecord, SchedulerStore, TaskRecord } from "./types.js";

export const ACTIVITY_BUFFER_FULL = "activity_buffer_full";
/** One delete per id runs synchronously on the event loop: a 16 MiB request (8M ids) would stall every service. */
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

export class ActivityBuffer {
  readonly #store: SchedulerStore;
  readonly #limits: ResolvedActivityLimits;
  readonly #logger: Logger;

  constructor(store: SchedulerStore, limits: ResolvedActivityLimits, logger: Logger) {
    this.#store = store;
    this.#limits = limits;
    this.#logger = logger;
  }

  /** Records the entry of a task being dispatched; throws `activity_buffer_full` when a limit is hit. */
  open(task: TaskRecord, nowMs: number): ActivityRecord {
    const existing = this.#store.getActivity(task.taskId);
    if (!existing?.active) {
      const total = this.#store.countActiveActivity();
      const mine = this.#store.countActiveActivity(task.agentId);
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
        this.#logger.warn(
          { agentId: task.agentId, active: total + 1, maxActive, agentActive: mine + 1, maxActivePerAgent },
          "activity buffer above 80% of capacity",
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
    this.#store.putActivity(entry);
    return entry;
  }

  /** Marks the task's entry finished (kept as short history until purged or evicted). */
  close(taskId: string, nowMs: number): void {
    const entry = this.#store.getActivity(taskId);
    if (!entry?.active) return;
    this.#store.putActivity({ ...entry, active: false, completedAtMs: nowMs });
    this.#store.evictActivityHistory(this.#limits.historyLimit);
  }

  poll(agentId: string): ActivityRecord[] {
    return this.#store.listActivity(agentId);
  }

  /** Purges inactive entries (all of the agent's when `taskIds` is empty); live entries are never purged. */
  purge(agentId: string, taskIds: readonly string[]): number {
    const tooMany = purgeProblem(taskIds);
    if (tooMany) throw validationError("task_ids", tooMany);
    return this.#store.purgeActivity(agentId, [...new Set(taskIds)]);
  }
}
