/**
 * Fuzz knobs (environment):
 *   SW4RM_FUZZ_RUNS   property runs per RPC and per raw-HTTP/2 scenario family (default 40: CI size;
 *                     each run sends a batch of 1-4 inputs). A deep local run: SW4RM_FUZZ_RUNS=2000.
 *   SW4RM_FUZZ_SEED   base seed (default fixed, so CI replays the same inputs); each RPC derives its own.
 *   SW4RM_FUZZ_SHRINK "1" shrinks a failing input (slow against a live server; off by default).
 *   SW4RM_FUZZ_HEAVY  "1" adds the worst-case 16 MiB bodies (millions of repeated elements); on by
 *                     default when SW4RM_FUZZ_RUNS >= 200 (about 10 s more).
 */
function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

const runs = intEnv("SW4RM_FUZZ_RUNS", 40);

export const FUZZ = {
  runs,
  seed: intEnv("SW4RM_FUZZ_SEED", 0x5747),
  shrink: process.env.SW4RM_FUZZ_SHRINK === "1",
  /** Inputs sent concurrently per property run (1..batch). */
  batch: 4,
  /** Deadline of every unary call; a unary call still running then is a hang. */
  deadlineMs: 10_000,
  /** Longest the server may go without answering the watchdog's health checks (else: a hang). */
  stallLimitMs: 5_000,
  /** How long a StreamIncoming call is kept open before the client cancels it. */
  streamOpenMs: 100,
  /** Structured bodies are capped here; oversize is tested separately at the gRPC limit. */
  maxBodyBytes: 8 * 1024 * 1024,
} as const;

/** The per-family seed: stable, distinct, printed with every failure. */
export function seedFor(family: string): number {
  let h = FUZZ.seed;
  for (const c of family) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}
