/**
 * Scenario 1, ceilings: what bare grpc-js does on this machine at the same concurrency and payload
 * as the router runs. Server = child process; clients in the bench process (as for the router).
 */
import type { Client } from "@grpc/grpc-js";
import { cpuParams, cpuWindow } from "../lib/cpu.js";
import { bidiPingPong, echoClient, type Running, serverStreams, unaryLoop } from "../lib/echo/echoClient.js";
import { startEchoServer } from "../lib/echo/echoServer.js";
import { ready } from "../lib/grpc.js";
import { LatencyRecorder } from "../lib/latency.js";
import { attempt } from "../lib/measure.js";
import { payloadTemplate } from "../lib/payload.js";
import { RateMeter } from "../lib/rateMeter.js";
import { now, sleep } from "../lib/timing.js";
import type { BenchContext, Measurement, Scenario } from "../lib/types.js";

type Start = (client: Client, payload: Buffer, concurrency: number, meter: RateMeter, rtt: LatencyRecorder) => Running;

const RUNS: readonly { metric: string; unit: string; start: Start }[] = [
  { metric: "bare grpc-js unary echo", unit: "calls/s", start: unaryLoop },
  { metric: "bare grpc-js server stream", unit: "msg/s", start: serverStreams },
  { metric: "bare grpc-js bidi echo (1 in flight per stream)", unit: "round trips/s", start: bidiPingPong },
];

async function measure(
  ctx: BenchContext,
  address: string,
  pid: number,
  run: (typeof RUNS)[number],
): Promise<Measurement[]> {
  const client = echoClient(address);
  try {
    await ready(client);
    const meter = new RateMeter();
    const rtt = new LatencyRecorder();
    const running = run.start(client, Buffer.from(payloadTemplate(ctx.payloadBytes)), ctx.concurrency, meter, rtt);
    await sleep(ctx.sizes.warmupMs);
    const from = now();
    meter.open(from);
    rtt.window(from);
    const cpu = cpuWindow(pid);
    await sleep(ctx.sizes.durationMs);
    meter.close();
    const share = cpu.stop();
    running.stop();
    if (running.error) throw running.error;
    const params = {
      payloadBytes: ctx.payloadBytes,
      concurrency: ctx.concurrency,
      windowMs: Math.round(meter.windowMs),
      ...cpuParams(share),
    };
    const out: Measurement[] = [{ metric: run.metric, value: meter.rate, unit: run.unit, params }];
    if (rtt.count > 0) out.push({ metric: `${run.metric}: call p50`, value: rtt.percentile(50), unit: "ms", params });
    return out;
  } finally {
    client.close();
  }
}

export const ceilings: Scenario = {
  name: "ceilings",
  title: "1. Ceilings: bare grpc-js unary echo, server stream, bidi echo",
  async run(ctx) {
    const server = await startEchoServer();
    try {
      const out: Measurement[] = [];
      for (const run of RUNS) {
        ctx.log(`  ${run.metric}`);
        const params = { payloadBytes: ctx.payloadBytes, concurrency: ctx.concurrency };
        out.push(...(await attempt(run.metric, params, () => measure(ctx, server.address, server.process.pid, run))));
      }
      return out;
    } finally {
      await server.process.stop();
    }
  },
};
