/**
 * The unfinished tasks in memory. Each change is staged in the current step (committed with it) and
 * logged and published once durable (spec §19: every transition logged with UTC ISO-8601 time,
 * correlation id, actor and details). Finished tasks live only in the store.
 */
import { type Clock, isoFromMs } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { SchedulerStep } from "./step.js";
import { type SchedulerEvent, type TaskRecord, type TaskStatus, TERMINAL_STATUSES } from "./types.js";

export class TaskTable {
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #listeners = new Set<(event: SchedulerEvent) => void>();
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(clock: Clock, logger: Logger) {
    this.#clock = clock;
    this.#logger = logger;
  }

  get(taskId: string): TaskRecord | undefined {
    return this.#tasks.get(taskId);
  }

  values(): TaskRecord[] {
    return [...this.#tasks.values()];
  }

  /** Adopts a record read back from the store (restart), without logging a transition. */
  load(task: TaskRecord): void {
    this.#tasks.set(task.taskId, task);
  }

  set(step: SchedulerStep, task: TaskRecord, from: TaskStatus | "NEW", detail: string): void {
    const id = task.taskId;
    const previous = this.#tasks.get(id);
    step.putTask(task);
    if (TERMINAL_STATUSES.has(task.status)) this.#tasks.delete(id);
    else this.#tasks.set(id, task);
    step.onUndo(() => (previous ? this.#tasks.set(id, previous) : this.#tasks.delete(id)));
    step.afterCommit(() => {
      this.#logger.info(
        {
          at: isoFromMs(task.updatedAtMs),
          correlation_id: task.correlationId,
          actor: "sw4rm-scheduler",
          task_id: id,
          agent_id: task.agentId,
          from,
          to: task.status,
          detail,
        },
        "task transition",
      );
      this.emit({ type: "task", taskId: id, agentId: task.agentId, from, to: task.status, detail });
    });
  }

  update(
    step: SchedulerStep,
    task: TaskRecord,
    to: TaskStatus,
    detail: string,
    patch: Partial<TaskRecord> = {},
  ): TaskRecord {
    const next: TaskRecord = { ...task, ...patch, status: to, updatedAtMs: this.#clock.now() };
    this.set(step, next, task.status, detail);
    return next;
  }

  emit(event: SchedulerEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err }, "scheduler event listener failed");
      }
    }
  }

  onEvent(listener: (event: SchedulerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
