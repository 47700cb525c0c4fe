/** Full-run and --quick sizes (the quick run is the CI smoke test: same code paths, tiny numbers). */
import type { Sizes } from "./types.js";

export const FULL_SIZES: Sizes = {
  durationMs: 10_000,
  warmupMs: 2_000,
  agentCounts: [1, 10, 100, 1000],
  queuedCounts: [0, 10_000, 100_000],
  recoveryQueued: 100_000,
  natsMessages: 100_000,
};

export const QUICK_SIZES: Sizes = {
  durationMs: 1_000,
  warmupMs: 300,
  agentCounts: [1, 10],
  queuedCounts: [0, 1_000],
  recoveryQueued: 5_000,
  natsMessages: 5_000,
};

/** Issue 5: every throughput and latency scenario uses 256-byte payloads. */
export const PAYLOAD_BYTES = 256;
/** In-flight calls of every closed-loop client (unary echo and SendMessage alike). */
export const CONCURRENCY = 64;
