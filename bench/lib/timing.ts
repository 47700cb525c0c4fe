/** Monotonic time and plain waits (benchmarks measure wall time; no clock injection here). */
import { setTimeout as delay } from "node:timers/promises";

/**
 * Milliseconds since the epoch with sub-millisecond resolution (timeOrigin + the monotonic clock),
 * so stamps compare across processes on this machine (e.g. a consumer in a child process).
 */
export const now = (): number => performance.timeOrigin + performance.now();

export function sleep(ms: number): Promise<void> {
  return delay(ms).then(() => undefined);
}

/** Polls `condition` every `everyMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = now() + timeoutMs;
  while (!condition()) {
    if (now() >= end) return false;
    await sleep(everyMs);
  }
  return true;
}

/** Rejects with `what` when `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
