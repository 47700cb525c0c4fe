/**
 * Scenario 5, latency: send-to-handler p50/p99 on the canonical path at 50% of the measured maximum
 * rate (the canonical scenario's end-to-end rate from this run; measured here first when that
 * scenario did not run). Open loop: the sender offers a fixed rate whatever the answers.
 */
import { agentIds, registerAgents } from "../lib/agents.js";
import { cpuParams } from "../lib/cpu.js";
import { valueOf } from "../lib/measure.js";
import { withServer } from "../lib/router/benchServer.js";
import { type TrafficOptions, runTraffic } from "../lib/router/traffic.js";
import type { BenchContext, Scenario } from "../lib/types.js";
import { CANONICAL_CONSUMERS } from "./canonical.js";

const MAX_RATE_METRIC = "canonical: end-to-end (acked)";

export const LOAD_FRACTION = 0.5;

async function maxRate(ctx: BenchContext, base: Omit<TrafficOptions, "mode">): Promise<{ rate: number; source: string }> {
  const known = valueOf(ctx.results, "canonical", MAX_RATE_METRIC);
  if (known !== undefined && known > 0) return { rate: known, source: "canonical scenario" };
  ctx.log("  canonical scenario not in this run: measuring the maximum rate first");
  const probe = await runTraffic({ ...base, mode: { kind: "closed", concurrency: ctx.concurrency } });
  return { rate: probe.stats.acked.rate, source: "closed-loop probe in this scenario" };
}

export const latency: Scenario = {
  name: "latency",
  title: `5. Latency: send-to-handler p50/p99 at ${LOAD_FRACTION * 100}% of the measured maximum rate`,
  async run(ctx) {
    return withServer(ctx, "latency", async (server) => {
      const recipients = agentIds("consumer", CANONICAL_CONSUMERS);
      await registerAgents(server.registryAddr, recipients);
      const base = {
        routerAddr: server.routerAddr,
        recipients,
        payloadBytes: ctx.payloadBytes,
        warmupMs: ctx.sizes.warmupMs,
        durationMs: ctx.sizes.durationMs,
        serverPid: server.pid,
        consumerProcess: ctx.consumerProcess,
      };
      const max = await maxRate(ctx, base);
      const offered = Math.max(1, Math.round(max.rate * LOAD_FRACTION));
      ctx.log(`  offering ${offered} msg/s (${LOAD_FRACTION * 100}% of ${Math.round(max.rate)} from the ${max.source})`);
      const result = await runTraffic({ ...base, mode: { kind: "paced", ratePerSec: offered } });
      const lat = result.stats.latency.summary();
      const params = {
        payloadBytes: ctx.payloadBytes,
        consumers: CANONICAL_CONSUMERS,
        offeredPerSec: offered,
        maxRatePerSec: Math.round(max.rate),
        maxRateSource: max.source,
        windowMs: Math.round(result.stats.acked.windowMs),
        latencySamples: lat.count,
        senderBehindMax: result.behind,
        ...cpuParams(result.window.cpu),
      };
      return [
        { metric: "latency run: offered", value: offered, unit: "msg/s", params },
        { metric: "latency run: end-to-end (acked)", value: result.stats.acked.rate, unit: "msg/s", params },
        { metric: "send-to-handler p50 @50% max", value: lat.p50, unit: "ms", params },
        { metric: "send-to-handler p99 @50% max", value: lat.p99, unit: "ms", params },
      ];
    });
  },
};
