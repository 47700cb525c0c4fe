import { type Clock, isRetryableStatus, Sw4rmError, sleep, systemClock } from "@sw4rm/protocol";
import { abortedError } from "./abort.js";

/** Exponential backoff (upstream SDK defaults: 3 attempts, 200 ms initial, x2, cap 2 s). */
export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  /** 0..1: fraction of each delay that is randomised. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 200,
  maxDelayMs: 2_000,
  multiplier: 2,
  jitter: 0.2,
};

/** Delay before retry number `attempt` (1 = first retry). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - policy.jitter + policy.jitter * random()));
}

/** Whether an error may be retried: only on a retryable gRPC status (UNAVAILABLE, DEADLINE_EXCEEDED, ...). */
export function isRetryableError(error: unknown): boolean {
  return isRetryableStatus(Sw4rmError.from(error).grpcStatus);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, runs out of attempts, or the
 * signal aborts. Errors are normalised with Sw4rmError.from.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: { policy: RetryPolicy; enabled: boolean; signal?: AbortSignal; clock?: Clock },
): Promise<T> {
  const max = options.enabled ? Math.max(1, options.policy.maxAttempts) : 1;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const err = Sw4rmError.from(error);
      const { signal } = options;
      if (signal?.aborted) throw abortedError(signal, "call");
      if (n >= max || !isRetryableError(err)) throw err;
      await sleep(backoffDelay(options.policy, n), {
        clock: options.clock ?? systemClock,
        ...(signal ? { signal } : {}),
      }).catch(() => {
        throw signal?.aborted ? abortedError(signal, "call") : err;
      });
    }
  }
}
