/** The standard readings of a router traffic run (rates, latency, rejections). */
import { cpuParams } from "../cpu.js";
import type { Params, Reading, Target } from "../types.js";
import type { TrafficResult } from "./traffic.js";

export interface TrafficReadingOptions {
  /** Metric name prefix, e.g. "canonical" or "agents=100". */
  readonly label: string;
  readonly params: Params;
  readonly rateTarget?: Target;
}

export function trafficReadings(result: TrafficResult, o: TrafficReadingOptions): Reading[] {
  const { stats, window } = result;
  const lat = stats.latency.summary();
  const params = {
    ...o.params,
    windowMs: Math.round(stats.acked.windowMs),
    latencySamples: lat.count,
    ...cpuParams(window.cpu),
    drained: result.drained,
  };
  const rejectNote = stats.rejected.windowCount > 0 ? stats.rejectSummary() : undefined;
  return [
    {
      metric: `${o.label}: end-to-end (acked)`,
      value: stats.acked.rate,
      unit: "msg/s",
      params,
      target: o.rateTarget,
    },
    { metric: `${o.label}: SendMessage accepted`, value: stats.accepted.rate, unit: "msg/s", params },
    { metric: `${o.label}: rejected in window`, value: stats.rejected.windowCount, unit: "msgs", params, note: rejectNote },
    { metric: `${o.label}: latency p50`, value: lat.p50, unit: "ms", params },
    { metric: `${o.label}: latency p99`, value: lat.p99, unit: "ms", params },
    ...(stats.sendCall.count > 0
      ? [{ metric: `${o.label}: SendMessage call p50`, value: stats.sendCall.percentile(50), unit: "ms", params }]
      : []),
  ];
}
