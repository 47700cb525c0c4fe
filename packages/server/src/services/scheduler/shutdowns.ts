/**
 * Pending ShutdownAgent requests (spec §8.4): durable, so a restarted server keeps refusing work for
 * the agent and still enforces the grace deadline. Cleared when the agent registers again. Changes
 * are staged in the current step; the deadline timer is armed once the step is durable.
 */
import type { Clock, TimerHandle } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { SchedulerStep } from "./step.js";
import type { ShutdownRecord } from "./types.js";

/** The longest delay a Node timer holds (2^31-1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ShutdownTrackerOptions {
  /** Pending shutdowns read back from the store (restart). */
  readonly records: Iterable<ShutdownRecord>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The grace ran out: fail whatever the agent is still running. */
  readonly onDeadline: (agentId: string, graceMs: number) => void;
}

export class ShutdownTracker {
  readonly #o: ShutdownTrackerOptions;
  readonly #records = new Map<string, ShutdownRecord>();
  readonly #timers = new Map<string, TimerHandle>();
  #closed = false;

  constructor(options: ShutdownTrackerOptions) {
    this.#o = options;
    for (const record of options.records) {
      this.#records.set(record.agentId, record);
      this.#arm(record);
    }
  }

  get(agentId: string): ShutdownRecord | undefined {
    return this.#records.get(agentId);
  }

  list(): ShutdownRecord[] {
    return [...this.#records.values()];
  }

  blockReason(agentId: string): string | undefined {
    return this.#records.has(agentId) ? `agent ${agentId} is shutting down (ShutdownAgent)` : undefined;
  }

  /** Records the request; false when one is already pending (ShutdownAgent is idempotent). */
  begin(step: SchedulerStep, agentId: string, graceMs: number, reason: string): boolean {
    if (this.#records.has(agentId)) return false;
    const now = this.#o.clock.now();
    const record: ShutdownRecord = { agentId, requestedAtMs: now, deadlineMs: now + graceMs, reason };
    step.putShutdown(record);
    this.#records.set(agentId, record);
    step.onUndo(() => this.#records.delete(agentId));
    step.afterCommit(() => {
      this.#arm(record);
      this.#o.logger.info({ agent_id: agentId, grace_ms: graceMs }, "agent shutdown requested: no new tasks");
    });
    return true;
  }

  clear(step: SchedulerStep, agentId: string): void {
    const record = this.#records.get(agentId);
    if (!record) return;
    this.#records.delete(agentId);
    step.deleteShutdown(agentId);
    step.onUndo(() => this.#records.set(agentId, record));
    step.afterCommit(() => {
      this.#timers.get(agentId)?.cancel();
      this.#timers.delete(agentId);
    });
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  #arm(record: ShutdownRecord): void {
    if (this.#closed) return;
    const delay = Math.max(0, record.deadlineMs - this.#o.clock.now());
    // Node timers hold at most 2^31-1 ms (a longer one fires after 1 ms): long graces re-arm in steps.
    const final = delay <= MAX_TIMER_MS;
    this.#timers.set(
      record.agentId,
      this.#o.clock.setTimer(Math.min(delay, MAX_TIMER_MS), () => {
        this.#timers.delete(record.agentId);
        if (!final) this.#arm(record);
        else this.#o.onDeadline(record.agentId, record.deadlineMs - record.requestedAtMs);
      }),
    );
  }
}
