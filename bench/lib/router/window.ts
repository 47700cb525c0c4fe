/** The measurement window of a traffic run: warm up, count for `durationMs`, then let it drain. */
import { type CpuShare, cpuWindow } from "../cpu.js";
import { closeAll, openAll } from "../rateMeter.js";
import { sleep, waitUntil } from "../timing.js";
import type { PipelineStats } from "./stats.js";

export interface WindowTimes {
  readonly from: number;
  readonly to: number;
  /** CPU of the bench process and of `serverPid` during the window. */
  readonly cpu: CpuShare;
}

/** Waits out the warm-up, then opens every meter and the latency window for `durationMs`. */
export async function measureWindow(
  stats: PipelineStats,
  warmupMs: number,
  durationMs: number,
  serverPid?: number,
  consumerPid?: number,
): Promise<WindowTimes> {
  await sleep(warmupMs);
  const from = openAll(stats.meters());
  const cpu = cpuWindow(serverPid, consumerPid);
  for (const r of [stats.latency, stats.lag, stats.sendCall]) r.window(from);
  await sleep(durationMs);
  const to = closeAll(stats.meters());
  const share = cpu.stop();
  for (const r of [stats.latency, stats.lag, stats.sendCall]) r.window(from, to);
  return { from, to, cpu: share };
}

/** Waits until every accepted message has been acked; returns false on timeout. */
export function drained(stats: PipelineStats, timeoutMs: number): Promise<boolean> {
  return waitUntil(() => stats.acked.count >= stats.accepted.count, timeoutMs, 50);
}

/** A run whose calls failed has no trustworthy number: fail it with the first errors. */
export function assertNoErrors(stats: PipelineStats): void {
  if (stats.errorCount > 0) throw new Error(`${stats.errorCount} call errors, e.g. ${stats.errors.join("; ")}`);
}
