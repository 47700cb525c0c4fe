/**
 * Consumers in a child process (--consumer-process), for when the bench process itself is the
 * bottleneck: the child streams and acks; its counts and latency samples arrive here every 25 ms
 * and are marked into the caller's PipelineStats, so rates and windows work unchanged (an event is
 * counted up to 25 ms after it happened, well under 1% of a 10 s window).
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ConsumerEvent, ConsumerStart } from "./consumerProtocol.js";
import type { PipelineStats } from "./stats.js";

const MAIN = fileURLToPath(new URL("./consumerMain.ts", import.meta.url));

export interface Consumers {
  /** The consumer child process, when the consumers run in one. */
  readonly pid?: number;
  close(): void | Promise<void>;
}

export class RemoteConsumerPool implements Consumers {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  static open(start: ConsumerStart, stats: PipelineStats): Promise<RemoteConsumerPool> {
    const child = fork(MAIN, [], { execArgv: ["--import", import.meta.resolve("tsx")], stdio: "inherit" });
    return new Promise((resolve, reject) => {
      child.on("message", (m: ConsumerEvent) => {
        switch (m.type) {
          case "ready":
            resolve(new RemoteConsumerPool(child));
            return;
          case "failed":
            reject(new Error(`consumer process: ${m.error}`));
            return;
          case "counts":
            stats.delivered.mark(m.delivered);
            stats.acked.mark(m.acked);
            stats.unrecordedAcks += m.unrecordedAcks;
            for (let i = 0; i + 1 < m.samples.length; i += 2) stats.latency.record(m.samples[i] ?? 0, m.samples[i + 1] ?? 0);
            for (let i = 0; i + 1 < m.lagSamples.length; i += 2)
              stats.lag.record(m.lagSamples[i] ?? 0, m.lagSamples[i + 1] ?? 0);
            for (const e of m.errors) stats.error("consumer process", new Error(e));
            stats.errorCount += m.errorCount - m.errors.length;
            return;
          case "stopped":
            return;
        }
      });
      child.once("exit", (code) => reject(new Error(`consumer process exited (code ${code}) before ready`)));
      child.send(start);
    });
  }

  /** Stops the child's streams after it flushed its last counts. */
  async close(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || !child.connected) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.send("stop");
    await exited;
  }
}
