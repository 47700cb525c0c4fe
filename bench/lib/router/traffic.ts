/**
 * One canonical-path traffic run against a running router: consumers for every recipient, one
 * producer channel (closed loop or paced), warm-up, measurement window, stop, drain, close.
 */
import { ready, routerClient } from "../grpc.js";
import { payloadTemplate } from "../payload.js";
import { sleep } from "../timing.js";
import { ConsumerPool } from "./consumers.js";
import { type Consumers, RemoteConsumerPool } from "./remoteConsumers.js";
import { type Sender, startClosedLoop, startPaced } from "./senders.js";
import { PipelineStats } from "./stats.js";
import { assertNoErrors, drained, measureWindow, type WindowTimes } from "./window.js";

export type TrafficMode =
  | { readonly kind: "closed"; readonly concurrency: number }
  | { readonly kind: "paced"; readonly ratePerSec: number };

export interface TrafficOptions {
  readonly routerAddr: string;
  /** Registered agents; each gets a consumer stream and messages round-robin. */
  readonly recipients: readonly string[];
  readonly mode: TrafficMode;
  readonly payloadBytes: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** How long to wait after the window for accepted messages to be acked (default 10 s). */
  readonly drainMs?: number;
  readonly streamsPerChannel?: number;
  /** The server process, for its CPU share during the window. */
  readonly serverPid?: number;
  /** Run the consumers in a child process instead of the bench process (see remoteConsumers.ts). */
  readonly consumerProcess?: boolean;
}

export interface TrafficResult {
  readonly stats: PipelineStats;
  readonly window: WindowTimes;
  /** Paced mode: the most messages the sender was ever behind its schedule. */
  readonly behind: number;
  /** Every accepted message was acked before the drain timeout. */
  readonly drained: boolean;
}

function openConsumers(o: TrafficOptions, stats: PipelineStats): Promise<Consumers> {
  const start = { routerAddr: o.routerAddr, agentIds: o.recipients, streamsPerChannel: o.streamsPerChannel };
  return o.consumerProcess ? RemoteConsumerPool.open(start, stats) : ConsumerPool.open({ ...start, stats });
}

export async function runTraffic(o: TrafficOptions): Promise<TrafficResult> {
  const stats = new PipelineStats();
  const pool = await openConsumers(o, stats);
  const client = routerClient(o.routerAddr);
  let sender: (Sender & { readonly behind?: number }) | undefined;
  try {
    await ready(client);
    // Streams open asynchronously on the server; a short pause keeps the first messages from
    // waiting on session start-up (they would be delivered anyway, durably queued).
    await sleep(Math.min(1000, 100 + o.recipients.length));
    const common = { client, recipients: o.recipients, payload: payloadTemplate(o.payloadBytes), stats };
    sender =
      o.mode.kind === "closed"
        ? startClosedLoop({ ...common, concurrency: o.mode.concurrency })
        : startPaced({ ...common, ratePerSec: o.mode.ratePerSec });
    const window = await measureWindow(stats, o.warmupMs, o.durationMs, o.serverPid, pool.pid);
    await sender.stop();
    const ok = await drained(stats, o.drainMs ?? 10_000);
    assertNoErrors(stats);
    return { stats, window, behind: sender.behind ?? 0, drained: ok };
  } finally {
    await sender?.stop();
    await pool.close();
    client.close();
  }
}
