/**
 * One scheduling round as a pure function: given every unfinished task, which queued tasks to
 * dispatch now, which running tasks to ask to yield, and why each other task waits.
 *
 * Rules:
 * - queue order: priority (-19 first), then submission time, then submission sequence (spec §7.1);
 * - an agent that cannot take work (unknown, unavailable, INITIALIZING, SHUTTING_DOWN, shutdown
 *   requested, timed out) gets nothing (spec §8.1);
 * - at most `max_parallel_instances` DISPATCHED+RUNNING tasks per agent (spec §9.1);
 * - overlapping scopes never run together, and a waiting task holds its scope so later overlapping
 *   tasks cannot overtake it (spec §9.2, "same-scope tasks serialized FIFO within priority");
 * - a waiting task whose agent is at its limit, with strictly higher priority than one of the
 *   agent's running tasks, preempts the lowest-priority (then newest) of them, unless a pending
 *   preemption on that agent already frees a slot for it (spec §7.1; equal priority never preempts).
 */
import { scopesOverlap } from "./scope.js";
import { ACTIVE_STATUSES, type TaskRecord } from "./types.js";

export interface PlanInput {
  readonly tasks: Iterable<TaskRecord>;
  /** Why the agent cannot take tasks now, or undefined when it can. */
  readonly agentBlock: (agentId: string) => string | undefined;
  readonly limitFor: (agentId: string) => number;
}

export interface PreemptionPlan {
  readonly victim: TaskRecord;
  readonly forTask: TaskRecord;
}

export interface Plan {
  readonly dispatch: readonly TaskRecord[];
  readonly preempt: readonly PreemptionPlan[];
  /** taskId → "queued: …" for every queued task left waiting. */
  readonly waiting: ReadonlyMap<string, string>;
}

export function compareQueueOrder(a: TaskRecord, b: TaskRecord): number {
  return a.priority - b.priority || a.submittedAtMs - b.submittedAtMs || a.seq - b.seq;
}

/** The running task a preemption would displace: lowest priority (numerically highest), then newest. */
function pickVictim(candidates: readonly TaskRecord[], priority: number): TaskRecord | undefined {
  return candidates
    .filter((t) => t.priority > priority && t.preemptDeadlineMs === undefined)
    .sort((a, b) => b.priority - a.priority || b.submittedAtMs - a.submittedAtMs || b.seq - a.seq)[0];
}

export function planRound(input: PlanInput): Plan {
  const all = [...input.tasks];
  const queued = all.filter((t) => t.status === "QUEUED").sort(compareQueueOrder);
  const active = all.filter((t) => ACTIVE_STATUSES.has(t.status));
  const activeCount = new Map<string, number>();
  const pendingPreemptions = new Map<string, number>();
  for (const t of active) {
    activeCount.set(t.agentId, (activeCount.get(t.agentId) ?? 0) + 1);
    if (t.preemptDeadlineMs !== undefined)
      pendingPreemptions.set(t.agentId, (pendingPreemptions.get(t.agentId) ?? 0) + 1);
  }
  const claimed = new Map<string, number>();
  const positions = new Map<string, number>();
  const held: TaskRecord[] = [];
  const dispatch: TaskRecord[] = [];
  const preempt: PreemptionPlan[] = [];
  const waiting = new Map<string, string>();
  const wait = (t: TaskRecord, why: string, holdScope = true) => {
    waiting.set(t.taskId, `queued: ${why}`);
    // A task waiting for a slot or a scope keeps its scope reserved; one waiting for its agent to
    // become available does not (that can last indefinitely and would stall unrelated work).
    if (holdScope) held.push(t);
  };

  for (const t of queued) {
    const block = input.agentBlock(t.agentId);
    if (block !== undefined) {
      wait(t, block, false);
      continue;
    }
    const limit = input.limitFor(t.agentId);
    const count = activeCount.get(t.agentId) ?? 0;
    const conflicts = active.filter((a) => scopesOverlap(a.scope, t.scope));
    const heldBy = held.find((h) => scopesOverlap(h.scope, t.scope));
    if (heldBy) {
      wait(t, `scope "${t.scope}" overlaps earlier waiting task ${heldBy.taskId}`);
      continue;
    }
    if (count < limit && conflicts.length === 0) {
      dispatch.push(t);
      active.push(t);
      activeCount.set(t.agentId, count + 1);
      continue;
    }
    if (count < limit) {
      const c = conflicts[0]!;
      wait(t, `scope "${t.scope}" overlaps ${c.status.toLowerCase()} task ${c.taskId} (scope "${c.scope}")`);
      continue;
    }
    const position = (positions.get(t.agentId) ?? 0) + 1;
    positions.set(t.agentId, position);
    const atLimit = `agent ${t.agentId} at max_parallel_instances=${limit} (position ${position})`;
    const mine = active.filter((a) => a.agentId === t.agentId);
    // Preempting only helps when nothing but the victim stands in the way.
    const foreignConflict = conflicts.some((c) => c.agentId !== t.agentId);
    const pending = pendingPreemptions.get(t.agentId) ?? 0;
    const used = claimed.get(t.agentId) ?? 0;
    const pendingVictim = mine.find((a) => a.preemptDeadlineMs !== undefined && a.priority > t.priority);
    if (!foreignConflict && used < pending && pendingVictim && conflicts.every((c) => c.preemptDeadlineMs)) {
      claimed.set(t.agentId, used + 1);
      wait(t, `${atLimit}; waiting for task ${pendingVictim.taskId} to yield`);
      continue;
    }
    const victim = foreignConflict ? undefined : pickVictim(conflicts.length > 0 ? conflicts : mine, t.priority);
    if (victim && conflicts.every((c) => c === victim)) {
      preempt.push({ victim, forTask: t });
      pendingPreemptions.set(t.agentId, pending + 1);
      claimed.set(t.agentId, used + 1);
      // The planner's copy only; the engine persists the real deadline.
      const marked = { ...victim, preemptDeadlineMs: Number.POSITIVE_INFINITY };
      active.splice(active.indexOf(victim), 1, marked);
      wait(t, `${atLimit}; preempting task ${victim.taskId} (priority ${victim.priority})`);
      continue;
    }
    wait(t, atLimit);
  }
  return { dispatch, preempt, waiting };
}
