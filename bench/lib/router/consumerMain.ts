/**
 * Child-process entry for consumers (--consumer-process): runs a ConsumerPool and forwards its
 * counts and latency samples to the parent every FLUSH_MS over IPC, where they are marked into the
 * parent's PipelineStats. Parent -> child: ConsumerStart, then "stop". Child -> parent: ConsumerEvent.
 */
import { ConsumerPool } from "./consumers.js";
import type { ConsumerEvent, ConsumerStart } from "./consumerProtocol.js";
import { PipelineStats } from "./stats.js";

const FLUSH_MS = 25;

function send(event: ConsumerEvent): void {
  process.send?.(event);
}

async function start(msg: ConsumerStart): Promise<void> {
  const stats = new PipelineStats();
  const samples: number[] = [];
  const lagSamples: number[] = [];
  // Samples go to the parent as (time, ms) pairs instead of into local recorders.
  stats.latency.record = (sentAt: number, latencyMs: number) => {
    samples.push(sentAt, latencyMs);
  };
  stats.lag.record = (dueAt: number, lagMs: number) => {
    lagSamples.push(dueAt, lagMs);
  };
  const pool = await ConsumerPool.open({ ...msg, stats });
  let delivered = 0;
  let acked = 0;
  let errors = 0;
  let unrecorded = 0;
  const flush = () => {
    const event: ConsumerEvent = {
      type: "counts",
      delivered: stats.delivered.count - delivered,
      acked: stats.acked.count - acked,
      unrecordedAcks: stats.unrecordedAcks - unrecorded,
      samples: samples.splice(0),
      lagSamples: lagSamples.splice(0),
      errors: stats.errors.slice(errors),
      errorCount: stats.errorCount - errors,
    };
    delivered = stats.delivered.count;
    acked = stats.acked.count;
    unrecorded = stats.unrecordedAcks;
    errors = stats.errorCount;
    send(event);
  };
  const timer = setInterval(flush, FLUSH_MS);
  process.on("message", (m: unknown) => {
    if (m !== "stop") return;
    clearInterval(timer);
    flush();
    pool.close();
    send({ type: "stopped" });
    process.disconnect();
  });
  send({ type: "ready" });
}

process.once("message", (m: unknown) => {
  start(m as ConsumerStart).catch((error: unknown) => {
    send({ type: "failed", error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
});
