/**
 * One step of the scheduler (a call, an ACK, a timer): the in-memory state changes right away, so the
 * step reads its own decisions, while the durable changes are collected for ONE store commit. If the
 * commit fails the memory changes are undone; what others can observe (logs, events, timers, CONTROL
 * envelopes) runs only once the commit is durable.
 */
import type { SchedulerChanges } from "./store.js";
import type { ActivityRecord, ControlRecord, ShutdownRecord, TaskRecord } from "./types.js";

/** Runs once the step's changes are durable; a returned promise is part of what the step waits for. */
export type Effect = () => void | Promise<unknown>;

export class SchedulerStep {
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #controls: ControlRecord[] = [];
  /** undefined = delete. The last change of an id wins, so an id is never both put and deleted. */
  readonly #activity = new Map<string, ActivityRecord | undefined>();
  readonly #shutdowns = new Map<string, ShutdownRecord | undefined>();
  readonly #undo: (() => void)[] = [];
  readonly #effects: Effect[] = [];

  putTask(task: TaskRecord): void {
    this.#tasks.set(task.taskId, task);
  }

  putControl(record: ControlRecord): void {
    this.#controls.push(record);
  }

  putActivity(entry: ActivityRecord): void {
    this.#activity.set(entry.taskId, entry);
  }

  deleteActivity(taskId: string): void {
    this.#activity.set(taskId, undefined);
  }

  putShutdown(record: ShutdownRecord): void {
    this.#shutdowns.set(record.agentId, record);
  }

  deleteShutdown(agentId: string): void {
    this.#shutdowns.set(agentId, undefined);
  }

  /** Restores a memory change if the commit fails (undo actions run newest first). */
  onUndo(undo: () => void): void {
    this.#undo.push(undo);
  }

  /** Runs `effect` once the changes are durable, after the effects registered before it. */
  afterCommit(effect: Effect): void {
    this.#effects.push(effect);
  }

  get empty(): boolean {
    return (
      this.#tasks.size === 0 && this.#controls.length === 0 && this.#activity.size === 0 && this.#shutdowns.size === 0
    );
  }

  changes(): SchedulerChanges {
    const puts = <T>(m: Map<string, T | undefined>) => [...m.values()].filter((v): v is T => v !== undefined);
    const deletes = <T>(m: Map<string, T | undefined>) => [...m].filter(([, v]) => v === undefined).map(([k]) => k);
    return {
      tasks: [...this.#tasks.values()],
      controls: [...this.#controls],
      activity: puts(this.#activity),
      deleteActivity: deletes(this.#activity),
      shutdowns: puts(this.#shutdowns),
      deleteShutdowns: deletes(this.#shutdowns),
    };
  }

  rollback(): void {
    for (const undo of this.#undo.reverse()) undo();
    this.#undo.length = 0;
    this.#effects.length = 0;
  }

  /** Runs the effects in order; returns the promises they started. A throwing effect is reported, not fatal. */
  publish(onError: (err: unknown) => void): Promise<unknown>[] {
    const started: Promise<unknown>[] = [];
    for (const effect of this.#effects) {
      try {
        const p = effect();
        if (p) started.push(p);
      } catch (err) {
        onError(err);
      }
    }
    return started;
  }
}
