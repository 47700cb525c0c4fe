/**
 * Scenario 2, engine anchor: NATS JetStream (file storage) through the official client against the
 * local nats-server. Three numbers: publish alone (N messages), consume + ack alone (the same N),
 * and publish + consume + ack concurrently, counted like the router's end-to-end rate (messages
 * acked by the consumer per second in the window) at the publish window of each router path.
 * Never a number when NATS is unreachable.
 */
import { cpuParams, cpuWindow, pidOf } from "../lib/cpu.js";
import { LatencyRecorder } from "../lib/latency.js";
import { type BenchStream, createConsumer, openBenchStream, startConsuming, startPublisher } from "../lib/nats/jetstream.js";
import { payloadTemplate } from "../lib/payload.js";
import { closeAll, openAll, RateMeter } from "../lib/rateMeter.js";
import { sleep, waitUntil, withTimeout } from "../lib/timing.js";
import type { BenchContext, Measurement, Reading, Scenario } from "../lib/types.js";
import { FAST_PATH_WINDOW } from "./fastPath.js";

/** Publish N, then consume the same N: each phase's rate over the whole phase. */
async function phases(ctx: BenchContext, s: BenchStream): Promise<Measurement[]> {
  const n = ctx.sizes.natsMessages;
  const params = { payloadBytes: ctx.payloadBytes, publishWindow: ctx.concurrency, messages: n, storage: "file" };
  const published = new RateMeter();
  published.open();
  const pub = startPublisher(s, payloadTemplate(ctx.payloadBytes), ctx.concurrency, published, n);
  await withTimeout(pub.done, 300_000, "JetStream publish phase");
  published.close();
  if (pub.error) throw pub.error;
  const consumed = new RateMeter();
  const created = await createConsumer(s, "phase");
  consumed.open();
  const consumer = await startConsuming(created, consumed);
  const all = await waitUntil(() => consumed.count >= n, 300_000, 5);
  consumed.close();
  await consumer.stop();
  if (!all) throw new Error(`consumed ${consumed.count} of ${n} published messages`);
  return [
    { metric: "JetStream publish (acked, alone)", value: published.rate, unit: "msg/s", params },
    { metric: "JetStream consume + ack (alone)", value: consumed.rate, unit: "msg/s", params },
  ];
}

/** The combined rate's metric at a publish window (the ratio targets name these). */
export const jetstreamCombinedMetric = (window: number) => `JetStream publish+consume (acked, window ${window})`;

/**
 * Publish windows of the combined run: the closed-loop concurrency of the canonical path, a middle
 * one, and the send window of the fast path. A deep window floods nats-server and starves the
 * consumer (see BENCHMARKS.md), so the anchor for the targets is the best of them.
 */
export const jetstreamWindows = (ctx: BenchContext): number[] =>
  [...new Set([ctx.concurrency, 256, FAST_PATH_WINDOW])].sort((a, b) => a - b);

/** The best combined rate over the windows: the JetStream number the fast path is held against. */
export const JETSTREAM_BEST_METRIC = "JetStream publish+consume (acked, best window)";

/** Publisher (`window` publishes awaiting acks) and consumer at once; the window counts consumer acks. */
async function concurrent(ctx: BenchContext, s: BenchStream, window: number): Promise<Measurement[]> {
  const published = new RateMeter();
  const consumed = new RateMeter();
  const latency = new LatencyRecorder();
  const consumer = await startConsuming(await createConsumer(s, "concurrent"), consumed, latency);
  const pub = startPublisher(s, payloadTemplate(ctx.payloadBytes), window, published);
  try {
    await sleep(ctx.sizes.warmupMs);
    const from = openAll([published, consumed]);
    latency.window(from);
    const cpu = cpuWindow(pidOf("nats-server"));
    await sleep(ctx.sizes.durationMs);
    const to = closeAll([published, consumed]);
    const share = cpu.stop();
    latency.window(from, to);
    await pub.stop();
    if (pub.error) throw pub.error;
    await waitUntil(() => consumed.count >= published.count, 10_000);
    const lat = latency.summary();
    const params = {
      payloadBytes: ctx.payloadBytes,
      publishWindow: window,
      windowMs: Math.round(consumed.windowMs),
      storage: "file",
      ...cpuParams(share),
    };
    const w = `window ${window}`;
    return [
      { metric: jetstreamCombinedMetric(window), value: consumed.rate, unit: "msg/s", params },
      { metric: `JetStream publish while consuming (${w})`, value: published.rate, unit: "msg/s", params },
      { metric: `JetStream publish-to-consumer latency p50 (${w})`, value: lat.p50, unit: "ms", params },
      { metric: `JetStream publish-to-consumer latency p99 (${w})`, value: lat.p99, unit: "ms", params },
    ];
  } finally {
    await pub.stop();
    await consumer.stop();
  }
}

export const jetstreamScenario: Scenario = {
  name: "jetstream",
  title: "2. Engine anchor: NATS JetStream (file storage), official client, publish + pull-consume + ack",
  async run(ctx) {
    const parts = [
      (s: BenchStream) => phases(ctx, s),
      ...jetstreamWindows(ctx).map((w) => (s: BenchStream) => concurrent(ctx, s, w)),
    ];
    const out: Measurement[] = [];
    for (const part of parts) {
      const s = await openBenchStream();
      try {
        out.push(...(await part(s)));
      } finally {
        await s.close();
      }
    }
    const combined = out.filter(
      (m): m is Reading => "value" in m && m.metric.startsWith("JetStream publish+consume (acked, window"),
    );
    const best = combined.reduce<Reading | undefined>((a, m) => (a === undefined || m.value > a.value ? m : a), undefined);
    if (best) out.push({ ...best, metric: JETSTREAM_BEST_METRIC, note: `best of windows ${jetstreamWindows(ctx).join(", ")}` });
    return out;
  },
};
