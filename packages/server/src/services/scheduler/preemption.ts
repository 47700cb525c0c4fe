/**
 * Cooperative preemption (spec §7.1–7.2, doc §1.10): PREEMPT_REQUEST with a grace deadline; a
 * declared non-preemptible section defers the deadline up to its (capped) bound; past the deadline
 * the forced path sends TERMINATE and fails the task with FORCED_PREEMPTION. The yield itself (an
 * ACK) is applied by the engine, which then calls `cancel`. Changes are staged in the caller's step;
 * deadline timers are armed and cancelled once the step is durable.
 */
import { type Clock, isoFromMs, type TimerHandle } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { SchedulerCommandBody } from "./commands.js";
import type { ResolvedOptions } from "./options.js";
import type { SchedulerStep } from "./step.js";
import type { TaskTable } from "./taskTable.js";
import { ACTIVE_STATUSES, type TaskRecord } from "./types.js";

/** A CONTROL command whose record is staged in a step; `send` submits it once the step is durable. */
export interface StagedCommand {
  readonly messageId: string;
  send(onRefused?: (failure: string) => unknown): void;
}

export type StageCommand = (
  step: SchedulerStep,
  agentId: string,
  body: SchedulerCommandBody,
  task?: TaskRecord,
) => StagedCommand;

export interface PreemptorDeps {
  readonly table: TaskTable;
  readonly command: StageCommand;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: Pick<ResolvedOptions, "preemptGraceMs" | "terminateGraceMs" | "maxNonPreemptibleMs">;
  /** Finishes the task as FAILED with `code` (the engine's terminal transition). */
  readonly fail: (step: SchedulerStep, task: TaskRecord, code: string, note: string) => void;
  /** A preemption deadline passed: the engine runs `force` for the task in a step of its own. */
  readonly onDeadline: (taskId: string) => void;
}

export class Preemptor {
  readonly #d: PreemptorDeps;
  readonly #timers = new Map<string, TimerHandle>();
  #closed = false;

  constructor(deps: PreemptorDeps) {
    this.#d = deps;
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  start(step: SchedulerStep, victim: TaskRecord, reason: string): void {
    const now = this.#d.clock.now();
    // spec §7.2: a declared non-preemptible section defers the deadline up to its (capped) end.
    const deadline = Math.max(now + this.#d.options.preemptGraceMs, victim.nonPreemptibleUntilMs ?? 0);
    const task = this.#d.table.update(step, victim, victim.status, `PREEMPT_REQUEST sent: ${reason}`, {
      preemptDeadlineMs: deadline,
      preemptReason: reason,
    });
    step.afterCommit(() => this.#arm(task.taskId, deadline));
    const body = { command: "PREEMPT_REQUEST", task_id: task.taskId, reason, grace_ms: deadline - now } as const;
    // The deadline stands either way: an agent that never hears the request is forced like one that ignores it.
    this.#d
      .command(step, task.agentId, body, task)
      .send((failure) => this.#d.logger.warn({ task_id: task.taskId, failure }, "PREEMPT_REQUEST not delivered"));
  }

  /** Records a non-preemptible section of at most `maxMs` (capped by options) starting now. */
  declare(step: SchedulerStep, taskId: string, maxMs: number): void {
    const task = this.#d.table.get(taskId);
    if (!task || !ACTIVE_STATUSES.has(task.status)) return;
    const until = this.#d.clock.now() + Math.min(Math.max(0, maxMs), this.#d.options.maxNonPreemptibleMs);
    const end = Math.max(until, task.nonPreemptibleUntilMs ?? 0);
    const deadline = task.preemptDeadlineMs === undefined ? undefined : Math.max(task.preemptDeadlineMs, end);
    this.#d.table.update(step, task, task.status, `non-preemptible section until ${isoFromMs(end)}`, {
      nonPreemptibleUntilMs: end,
      preemptDeadlineMs: deadline,
    });
    if (deadline !== undefined) step.afterCommit(() => this.#arm(taskId, deadline));
  }

  /** Stops the task's deadline timer once `step` is durable (the task yielded, finished or went back to the queue). */
  cancel(step: SchedulerStep, taskId: string): void {
    step.afterCommit(() => this.#cancel(taskId));
  }

  /**
   * Grace over without a yield: TERMINATE, then FAILED FORCED_PREEMPTION (spec §7.2 forced path).
   * False when the task no longer waits for a yield (it yielded or finished meanwhile) or its deadline moved.
   */
  force(step: SchedulerStep, taskId: string): boolean {
    const task = this.#d.table.get(taskId);
    if (!task || task.preemptDeadlineMs === undefined || !ACTIVE_STATUSES.has(task.status)) return false;
    // A declaration committed after this timer fired moved the deadline: wait for the new one.
    const deadline = task.preemptDeadlineMs;
    if (deadline > this.#d.clock.now()) {
      step.afterCommit(() => this.#arm(taskId, deadline));
      return false;
    }
    // spec §7.2 forced path: soft terminate with a grace period. The scheduler cannot kill a remote
    // process, so the task is FAILED now and its slot goes to the waiting task.
    const body = {
      command: "TERMINATE",
      task_id: taskId,
      grace_ms: this.#d.options.terminateGraceMs,
      reason: `did not yield within the preemption grace (${task.preemptReason})`,
    } as const;
    const cmd = this.#d.command(step, task.agentId, body, task);
    this.#d.fail(step, task, "FORCED_PREEMPTION", `not yielded by ${isoFromMs(deadline)}`);
    cmd.send();
    return true;
  }

  #arm(taskId: string, deadline: number): void {
    this.#cancel(taskId);
    if (this.#closed) return;
    const delay = Math.max(0, deadline - this.#d.clock.now());
    this.#timers.set(
      taskId,
      this.#d.clock.setTimer(delay, () => {
        this.#timers.delete(taskId);
        this.#d.onDeadline(taskId);
      }),
    );
  }

  #cancel(taskId: string): void {
    this.#timers.get(taskId)?.cancel();
    this.#timers.delete(taskId);
  }
}
