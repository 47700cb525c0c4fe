/**
 * Cooperative preemption (spec §7.1–7.2, doc §1.10): PREEMPT_REQUEST with a grace deadline; a
 * declared non-preemptible section defers the deadline up to its (capped) bound; past the deadline
 * the forced path sends TERMINATE and fails the task with FORCED_PREEMPTION. The yield itself (an
 * ACK) is applied by the engine, which then calls `cancel`.
 */
import { type Clock, isoFromMs, type TimerHandle } from "@sw4rm/protocol";
import type { Logger } from "../contracts.js";
import type { ControlSender } from "./controlSender.js";
import type { ResolvedOptions } from "./options.js";
import type { TaskTable } from "./taskTable.js";
import { ACTIVE_STATUSES, type TaskRecord } from "./types.js";

export interface PreemptorDeps {
  readonly table: TaskTable;
  readonly control: ControlSender;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: Pick<ResolvedOptions, "preemptGraceMs" | "terminateGraceMs" | "maxNonPreemptibleMs">;
  /** Finishes the task as FAILED with `code` (the engine's terminal transition). */
  readonly fail: (task: TaskRecord, code: string, note: string) => void;
  /** Tracks a background send so `settled()`/`close()` wait for it. */
  readonly track: (p: Promise<unknown>) => void;
  /** Re-runs the scheduling round (a slot was freed). */
  readonly kick: () => void;
}

export class Preemptor {
  readonly #d: PreemptorDeps;
  readonly #timers = new Map<string, TimerHandle>();

  constructor(deps: PreemptorDeps) {
    this.#d = deps;
  }

  close(): void {
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  async start(victim: TaskRecord, reason: string): Promise<void> {
    const now = this.#d.clock.now();
    // spec §7.2: a declared non-preemptible section defers the deadline up to its (capped) end.
    const deadline = Math.max(now + this.#d.options.preemptGraceMs, victim.nonPreemptibleUntilMs ?? 0);
    const task = this.#d.table.update(victim, victim.status, `PREEMPT_REQUEST sent: ${reason}`, {
      preemptDeadlineMs: deadline,
      preemptReason: reason,
    });
    this.#arm(task.taskId, deadline);
    const failure = await this.#d.control
      .prepare(
        task.agentId,
        { command: "PREEMPT_REQUEST", task_id: task.taskId, reason, grace_ms: deadline - now },
        task,
      )
      .submit();
    // The deadline stands either way: an agent that never hears the request is forced like one that ignores it.
    if (failure !== undefined) this.#d.logger.warn({ taskId: task.taskId, failure }, "PREEMPT_REQUEST not delivered");
  }

  /** Records a non-preemptible section of at most `maxMs` (capped by options) starting now. */
  declare(taskId: string, maxMs: number): void {
    const task = this.#d.table.get(taskId);
    if (!task || !ACTIVE_STATUSES.has(task.status)) return;
    const until = this.#d.clock.now() + Math.min(Math.max(0, maxMs), this.#d.options.maxNonPreemptibleMs);
    const end = Math.max(until, task.nonPreemptibleUntilMs ?? 0);
    const deadline = task.preemptDeadlineMs === undefined ? undefined : Math.max(task.preemptDeadlineMs, end);
    this.#d.table.update(task, task.status, `non-preemptible section until ${isoFromMs(end)}`, {
      nonPreemptibleUntilMs: end,
      preemptDeadlineMs: deadline,
    });
    if (deadline !== undefined) this.#arm(taskId, deadline);
  }

  #arm(taskId: string, deadline: number): void {
    this.cancel(taskId);
    const delay = Math.max(0, deadline - this.#d.clock.now());
    this.#timers.set(
      taskId,
      this.#d.clock.setTimer(delay, () => this.#expire(taskId)),
    );
  }

  cancel(taskId: string): void {
    this.#timers.get(taskId)?.cancel();
    this.#timers.delete(taskId);
  }

  /** Grace over without a yield: TERMINATE, then FAILED FORCED_PREEMPTION (spec §7.2 forced path). */
  #expire(taskId: string): void {
    this.#timers.delete(taskId);
    const task = this.#d.table.get(taskId);
    if (!task || task.preemptDeadlineMs === undefined || !ACTIVE_STATUSES.has(task.status)) return;
    // spec §7.2 forced path: soft terminate with a grace period. The scheduler cannot kill a remote
    // process, so the task is FAILED now and its slot goes to the waiting task.
    const cmd = this.#d.control.prepare(
      task.agentId,
      {
        command: "TERMINATE",
        task_id: taskId,
        grace_ms: this.#d.options.terminateGraceMs,
        reason: `did not yield within the preemption grace (${task.preemptReason})`,
      },
      task,
    );
    this.#d.fail(task, "FORCED_PREEMPTION", `not yielded by ${isoFromMs(task.preemptDeadlineMs)}`);
    this.#d.track(cmd.submit());
    this.#d.kick();
  }
}
