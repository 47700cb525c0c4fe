/**
 * Scenario 7, memory and recovery: N queued 1 KB messages (100k in a full run) for one consumer,
 * pre-queued by opening the router store directly. Two starts on that data dir:
 *  1. a clean start after the fill, and
 *  2. a restart after kill -9 of start 1 while it was delivering (copies in flight, WAL not
 *     checkpointed).
 * Each: spawn -> readiness line, spawn -> the consumer's first StreamItem (the consumer connects as
 * soon as the readiness line appears), router RSS at ready and its peak while delivering (for up
 * to 3 s or a quarter of the queue, whichever comes first).
 */
import { agentIds, registerAgents } from "../lib/agents.js";
import { freshDataDir, serverOptions, stopServer, withServerLog } from "../lib/router/benchServer.js";
import { ConsumerPool } from "../lib/router/consumers.js";
import { prequeue } from "../lib/router/prequeue.js";
import { PipelineStats } from "../lib/router/stats.js";
import { assertNoErrors } from "../lib/router/window.js";
import { MB, RssSampler } from "../lib/rss.js";
import { startSw4rm } from "../lib/sw4rmServer.js";
import { now, waitUntil } from "../lib/timing.js";
import type { BenchContext, Measurement, Params, Scenario } from "../lib/types.js";

export const RECOVERY_PAYLOAD_BYTES = 1024;
export const RSS_MAX_MB = 150;
export const FIRST_DELIVERY_MAX_MS = 1000;
const CONSUMER = agentIds("recovery", 1);

interface StartResult {
  readonly spawnToReadyMs: number;
  readonly spawnToFirstMs: number;
  readonly rssAtReadyMb: number;
  readonly rssPeakMb: number;
  readonly rssEndMb: number;
  readonly ackedPerSec: number;
  readonly acked: number;
}

/**
 * Starts the server, connects the consumer at once, consumes for `consumeMs` or until `maxAcked`
 * messages were acked (so the queue is still deep for the next start), then stops it with `signal`.
 */
async function startAndConsume(
  ctx: BenchContext,
  dataDir: string,
  name: string,
  limits: { readonly consumeMs: number; readonly maxAcked: number },
  signal: NodeJS.Signals,
): Promise<StartResult> {
  const server = await startSw4rm(serverOptions(ctx, name, dataDir));
  const rss = new RssSampler(server.pid, 50);
  const rssAtReady = rss.sample();
  const stats = new PipelineStats();
  let firstAt: number | undefined;
  let pool: ConsumerPool | undefined;
  try {
    pool = await ConsumerPool.open({
      routerAddr: server.routerAddr,
      agentIds: CONSUMER,
      stats,
      onItem: (_agent, _item, at) => {
        firstAt ??= at;
      },
    });
    if (!(await waitUntil(() => firstAt !== undefined, 30_000, 1)))
      throw new Error(`${name}: no delivery within 30 s of ready`);
    stats.acked.open();
    await waitUntil(() => stats.acked.count >= limits.maxAcked, limits.consumeMs, 5);
    stats.acked.close();
    rss.sample();
    assertNoErrors(stats);
    return {
      spawnToReadyMs: server.spawnToReadyMs,
      spawnToFirstMs: (firstAt ?? now()) - server.process.spawnedAt,
      rssAtReadyMb: rssAtReady / MB,
      rssPeakMb: rss.peak / MB,
      rssEndMb: rss.last / MB,
      ackedPerSec: stats.acked.rate,
      acked: stats.acked.count,
    };
  } catch (error) {
    throw withServerLog(error, server);
  } finally {
    rss.stop();
    if (signal === "SIGKILL") await server.stop("SIGKILL");
    else await stopServer(server);
    pool?.close();
  }
}

function readings(label: string, r: StartResult, params: Params): Measurement[] {
  const p = { ...params, ackedDuringRun: r.acked, rssEndMb: Math.round(r.rssEndMb) };
  return [
    { metric: `${label}: spawn -> ready`, value: r.spawnToReadyMs, unit: "ms", params: p },
    {
      metric: `${label}: spawn -> first delivery`,
      value: r.spawnToFirstMs,
      unit: "ms",
      params: p,
      target: { op: "<=", value: FIRST_DELIVERY_MAX_MS, label: "issue 5" },
    },
    { metric: `${label}: router RSS at ready`, value: r.rssAtReadyMb, unit: "MB", params: p },
    {
      metric: `${label}: router RSS peak while delivering`,
      value: r.rssPeakMb,
      unit: "MB",
      params: p,
      target: { op: "<=", value: RSS_MAX_MB, label: "issue 5" },
    },
    { metric: `${label}: drain rate (1 KB, 1 consumer)`, value: r.ackedPerSec, unit: "msg/s", params: p },
  ];
}

export const recovery: Scenario = {
  name: "recovery",
  title: "7. Memory and recovery: RSS and restart-to-first-delivery with queued 1 KB messages",
  async run(ctx) {
    const queued = ctx.sizes.recoveryQueued;
    const dataDir = freshDataDir(ctx, "recovery");
    const setup = await startSw4rm({ dataDir });
    try {
      await registerAgents(setup.registryAddr, CONSUMER);
    } finally {
      await stopServer(setup);
    }
    const fillMs = await prequeue({ dataDir, agentIds: CONSUMER, count: queued, payloadBytes: RECOVERY_PAYLOAD_BYTES });
    ctx.log(`  pre-queued ${queued} x ${RECOVERY_PAYLOAD_BYTES} B in ${(fillMs / 1000).toFixed(1)} s`);
    // Consume briefly, at most a quarter of the queue, so most of it is still there for the restart.
    const limits = { consumeMs: Math.min(ctx.sizes.durationMs, 3_000), maxAcked: Math.floor(queued / 4) };
    const params = { queued, payloadBytes: RECOVERY_PAYLOAD_BYTES, prequeue: "direct SqliteRouterStore", ...limits };
    const clean = await startAndConsume(ctx, dataDir, "recovery-clean", limits, "SIGKILL");
    const crashed = await startAndConsume(ctx, dataDir, "recovery-after-kill", limits, "SIGTERM");
    return [
      { metric: "pre-queue fill (direct store)", value: fillMs / 1000, unit: "s", params },
      ...readings("clean start", clean, params),
      ...readings("restart after kill -9", crashed, { ...params, queuedAtRestartApprox: queued - clean.acked }),
    ];
  },
};
