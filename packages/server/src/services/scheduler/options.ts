/** Scheduler options with their defaults applied (see SchedulerOptions for what each means). */
import { DEFAULTS } from "@sw4rm/protocol";
import type { SchedulerOptions } from "./types.js";

export interface ResolvedOptions {
  readonly maxParallelInstances: number;
  readonly maxParallelByAgent: Readonly<Record<string, number>>;
  readonly preemptGraceMs: number;
  readonly terminateGraceMs: number;
  readonly maxNonPreemptibleMs: number;
  readonly defaultShutdownGraceMs: number;
  readonly dedupWindowMs: number;
  readonly maxAttempts: number;
  readonly dispatchRetryMs: number;
  readonly stateTimeoutsMs: Readonly<Partial<Record<string, number>>>;
}

function positive(name: string, value: number | undefined, fallback: number, min = 0): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) throw new RangeError(`scheduler option ${name} must be >= ${min}, got ${v}`);
  return v;
}

export function resolveOptions(o: SchedulerOptions = {}): ResolvedOptions {
  const byAgent = o.maxParallelByAgent ?? {};
  for (const [agent, n] of Object.entries(byAgent)) positive(`maxParallelByAgent.${agent}`, n, 1, 1);
  return {
    maxParallelInstances: positive("maxParallelInstances", o.maxParallelInstances, 1, 1),
    maxParallelByAgent: byAgent,
    preemptGraceMs: positive("preemptGraceMs", o.preemptGraceMs, 5_000),
    // 3000 ms is the spec's TERMINATE example (doc §1.10).
    terminateGraceMs: positive("terminateGraceMs", o.terminateGraceMs, 3_000),
    maxNonPreemptibleMs: positive("maxNonPreemptibleMs", o.maxNonPreemptibleMs, 60_000),
    // The SHUTTING_DOWN state timeout (spec §8.3) is the natural default drain window.
    defaultShutdownGraceMs: positive("defaultShutdownGraceMs", o.defaultShutdownGraceMs, 30_000),
    dedupWindowMs: positive("dedupWindowMs", o.dedupWindowMs, DEFAULTS.dedupWindowMs),
    maxAttempts: positive("maxAttempts", o.maxAttempts, 5, 1),
    dispatchRetryMs: positive("dispatchRetryMs", o.dispatchRetryMs, 1_000),
    stateTimeoutsMs: o.stateTimeoutsMs ?? {},
  };
}
