/**
 * Scenario 6b, scale by queue depth: 0 / 10k / 100k messages already queued (pre-queued by opening
 * the router's SQLite store directly before the server starts; see lib/router/prequeue.ts) for one
 * "backlog" agent that is offline while 10 live agents run closed-loop canonical traffic. Then the
 * backlog agent connects and its drain rate (acked msg/s from the deep queue, from connect until
 * the queue is empty or the window ends) is measured.
 */
import { agentIds, registerAgents } from "../lib/agents.js";
import { attempt } from "../lib/measure.js";
import { freshDataDir, serverOptions, stopServer, withServerLog } from "../lib/router/benchServer.js";
import { ConsumerPool } from "../lib/router/consumers.js";
import { prequeue } from "../lib/router/prequeue.js";
import { trafficReadings } from "../lib/router/readings.js";
import { PipelineStats } from "../lib/router/stats.js";
import { runTraffic } from "../lib/router/traffic.js";
import { assertNoErrors } from "../lib/router/window.js";
import { startSw4rm } from "../lib/sw4rmServer.js";
import { waitUntil } from "../lib/timing.js";
import type { BenchContext, Measurement, Scenario } from "../lib/types.js";

export const LIVE_AGENTS = 10;
const BACKLOG_AGENT = "backlog-0";

/** Registers the agents on a first server, stops it, and pre-queues `queued` for the backlog agent. */
async function prepare(ctx: BenchContext, dataDir: string, live: readonly string[], queued: number): Promise<number> {
  const setup = await startSw4rm({ dataDir });
  try {
    await registerAgents(setup.registryAddr, [...live, BACKLOG_AGENT]);
  } finally {
    await stopServer(setup);
  }
  if (queued === 0) return 0;
  const ms = await prequeue({ dataDir, agentIds: [BACKLOG_AGENT], count: queued, payloadBytes: ctx.payloadBytes });
  ctx.log(`  pre-queued ${queued} in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/** Acked msg/s of the backlog consumer, from connect until the queue is empty or the window ends. */
async function drainBacklog(ctx: BenchContext, routerAddr: string, queued: number): Promise<PipelineStats> {
  const stats = new PipelineStats();
  stats.acked.open();
  const pool = await ConsumerPool.open({ routerAddr, agentIds: [BACKLOG_AGENT], stats });
  try {
    await waitUntil(() => stats.acked.count >= queued, ctx.sizes.durationMs, 5);
    stats.acked.close();
    assertNoErrors(stats);
    return stats;
  } finally {
    pool.close();
  }
}

async function forQueued(ctx: BenchContext, queued: number): Promise<Measurement[]> {
  const dataDir = freshDataDir(ctx, `queued-${queued}`);
  const live = agentIds("live", LIVE_AGENTS);
  const fillMs = await prepare(ctx, dataDir, live, queued);
  const server = await startSw4rm(serverOptions(ctx, `queued-${queued}`, dataDir));
  try {
    const label = `queued=${queued}`;
    const params = {
      payloadBytes: ctx.payloadBytes,
      concurrency: ctx.concurrency,
      liveAgents: LIVE_AGENTS,
      queued,
      prequeue: "direct SqliteRouterStore",
      prequeueMs: Math.round(fillMs),
      spawnToReadyMs: Math.round(server.spawnToReadyMs),
    };
    const result = await runTraffic({
      routerAddr: server.routerAddr,
      recipients: live,
      mode: { kind: "closed", concurrency: ctx.concurrency },
      payloadBytes: ctx.payloadBytes,
      warmupMs: ctx.sizes.warmupMs,
      durationMs: ctx.sizes.durationMs,
      serverPid: server.pid,
      consumerProcess: ctx.consumerProcess,
    });
    const out: Measurement[] = trafficReadings(result, { label: `${label} live traffic`, params });
    if (queued > 0) {
      const drain = await drainBacklog(ctx, server.routerAddr, queued);
      out.push({
        metric: `${label} backlog drain (1 consumer)`,
        value: drain.acked.rate,
        unit: "msg/s",
        params: { ...params, drainWindowMs: Math.round(drain.acked.windowMs), drained: drain.acked.windowCount },
      });
    }
    return out;
  } catch (error) {
    throw withServerLog(error, server);
  } finally {
    await stopServer(server);
  }
}

export const scaleQueued: Scenario = {
  name: "scale-queued",
  title: "6b. Scale: throughput and latency with 0 / 10k / 100k messages already queued",
  async run(ctx) {
    const out: Measurement[] = [];
    for (const q of ctx.sizes.queuedCounts) {
      ctx.log(`  ${q} queued`);
      out.push(...(await attempt(`queued=${q}`, { queued: q }, () => forQueued(ctx, q))));
    }
    return out;
  },
};
