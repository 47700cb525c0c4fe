/**
 * Scenario 6a, scale by connected agents: with 1, 10, 100, 1000 agents each holding a stream
 * (100 per connection):
 *  (a) canonical closed loop (64 SendMessage in flight, round robin): throughput and latency;
 *  (b) every agent receiving 10 msg/s (offered = 10 x agents), canonical path (StreamIncoming +
 *      AckDelivery, unary SendMessage);
 *  (c) the same offered load over the streaming fast path (RouterSession), since 10k msg/s of unary
 *      SendMessage is above what one grpc-js client process can issue at all (the unary echo ceiling).
 * Target "no growing lag" for (b) and (c): delivered >= 95% of offered, and the p50 lag (handler
 * time minus the time the message was due, so a sender falling behind counts) of messages due in
 * the last third of the window at most 50 ms above the first third's.
 */
import { agentIds, registerAgents } from "../lib/agents.js";
import { cpuParams } from "../lib/cpu.js";
import { attempt } from "../lib/measure.js";
import { withServer } from "../lib/router/benchServer.js";
import { trafficReadings } from "../lib/router/readings.js";
import { runSessionPaced } from "../lib/router/sessionPaced.js";
import { runTraffic, type TrafficResult } from "../lib/router/traffic.js";
import type { BenchContext, Measurement, Params, Scenario } from "../lib/types.js";

export const PER_AGENT_RATE = 10;
/** Allowed rise of p50 lag from the first to the last third of the paced window. */
export const LAG_GROWTH_MAX_MS = 50;
export const DELIVERED_MIN_FRACTION = 0.95;

/** The rows of one paced run: delivered/offered, latency, lag growth (the last two against targets). */
function pacedReadings(label: string, result: TrafficResult, offered: number, base: Params): Measurement[] {
  const lat = result.stats.latency.summary();
  // Lag counts from when each message was due, so a sender that fell behind shows as lag too.
  const lag = result.stats.lag.summary();
  const params = {
    ...base,
    offeredPerSec: offered,
    windowMs: Math.round(result.stats.acked.windowMs),
    latencySamples: lat.count,
    senderBehindMax: result.behind,
    ...cpuParams(result.window.cpu),
    lagFirstThirdP50Ms: Math.round(lag.firstThirdP50 * 10) / 10,
    lagLastThirdP50Ms: Math.round(lag.lastThirdP50 * 10) / 10,
  };
  return [
    {
      metric: `${label}: delivered / offered`,
      value: result.stats.acked.rate / offered,
      unit: "x",
      params,
      target: { op: ">=", value: DELIVERED_MIN_FRACTION, label: "keeps up" },
    },
    { metric: `${label}: latency p50`, value: lat.p50, unit: "ms", params },
    { metric: `${label}: latency p99`, value: lat.p99, unit: "ms", params },
    {
      metric: `${label}: lag growth (p50 last - first third)`,
      value: lag.lastThirdP50 - lag.firstThirdP50,
      unit: "ms",
      params,
      target: { op: "<=", value: LAG_GROWTH_MAX_MS, label: "no growing lag" },
    },
  ];
}

async function forAgents(ctx: BenchContext, n: number): Promise<Measurement[]> {
  return withServer(ctx, `agents-${n}`, async (server) => {
    const recipients = agentIds("agent", n);
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
    const label = `agents=${n}`;
    const params = { payloadBytes: ctx.payloadBytes, agents: n, perAgentPerSec: PER_AGENT_RATE };
    const out: Measurement[] = [];
    const closed = await runTraffic({ ...base, mode: { kind: "closed", concurrency: ctx.concurrency } });
    out.push(
      ...trafficReadings(closed, {
        label: `${label} closed loop`,
        params: { payloadBytes: ctx.payloadBytes, concurrency: ctx.concurrency, agents: n },
      }),
    );
    const offered = n * PER_AGENT_RATE;
    // A router that cannot keep up has a backlog that would take minutes to drain: give up after 5 s.
    const paced = await runTraffic({ ...base, mode: { kind: "paced", ratePerSec: offered }, drainMs: 5_000 });
    out.push(...pacedReadings(`${label} @${PER_AGENT_RATE}/s each, canonical`, paced, offered, params));
    const fast = await runSessionPaced({ ...base, ratePerSec: offered });
    out.push(...pacedReadings(`${label} @${PER_AGENT_RATE}/s each, fast path`, fast, offered, params));
    return out;
  });
}

export const scaleAgents: Scenario = {
  name: "scale-agents",
  title: "6a. Scale: throughput and latency with 1 .. 1000 connected agents",
  async run(ctx) {
    const out: Measurement[] = [];
    for (const n of ctx.sizes.agentCounts) {
      ctx.log(`  ${n} agents`);
      out.push(...(await attempt(`agents=${n}`, { agents: n }, () => forAgents(ctx, n))));
    }
    return out;
  },
};
