/**
 * How an inbox reconnects: forever, with backoff capped at 5 s (as nats.js does), except after an
 * error a new connection cannot fix (refused credentials, a malformed request), which goes to the caller.
 */
import { type Clock, GrpcStatus, type Sw4rmError } from "@sw4rm/protocol";
import type { Logger } from "../logger.js";
import type { RetryPolicy } from "../transport/retry.js";

export const RECONNECT_POLICY: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  multiplier: 2,
  jitter: 0.2,
};

/** Statuses after which the inbox is re-opened rather than failed (transport and server-side trouble). */
const RECONNECTABLE = new Set<GrpcStatus>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNKNOWN,
  GrpcStatus.CANCELLED,
]);

export function isReconnectable(error: Sw4rmError): boolean {
  return RECONNECTABLE.has(error.grpcStatus);
}

/** Session-open refusals that a retry cannot fix: the caller must see them (new credentials needed). */
export function isAuthRefusal(error: Sw4rmError): boolean {
  return error.grpcStatus === GrpcStatus.UNAUTHENTICATED || error.grpcStatus === GrpcStatus.PERMISSION_DENIED;
}

/** At most one "reconnecting" line per this much time (the backoff cap: at steady state, every attempt). */
export const RECONNECT_LOG_INTERVAL_MS = 5_000;

/**
 * Logs reconnect attempts, rate-limited: the first failure of an outage at once, then at most one
 * line per RECONNECT_LOG_INTERVAL_MS (with how many attempts it stands for), and one line when the
 * inbox is back.
 */
export class ReconnectLog {
  readonly #log: Logger;
  readonly #clock: Clock;
  #attempts = 0;
  #unlogged = 0;
  #outageStartMs = 0;
  #lastLineMs = Number.NEGATIVE_INFINITY;

  constructor(logger: Logger, clock: Clock) {
    this.#log = logger;
    this.#clock = clock;
  }

  /** The connection failed or ended; the next attempt follows in `delayMs`. */
  failed(error: Sw4rmError | undefined, delayMs: number): void {
    const now = this.#clock.now();
    if (this.#attempts === 0) this.#outageStartMs = now;
    this.#attempts += 1;
    this.#unlogged += 1;
    if (this.#attempts > 1 && now - this.#lastLineMs < RECONNECT_LOG_INTERVAL_MS) return;
    this.#log.warn(
      {
        attempt: this.#attempts,
        attempts_since_last_line: this.#unlogged,
        retry_in_ms: delayMs,
        outage_ms: now - this.#outageStartMs,
        ...(error ? { err: error, grpc_status: error.grpcStatus } : {}),
      },
      this.#attempts === 1 ? "inbox connection lost; reconnecting" : "inbox still reconnecting",
    );
    this.#lastLineMs = now;
    this.#unlogged = 0;
  }

  /** The inbox is receiving again. */
  connected(): void {
    if (this.#attempts === 0) return;
    this.#log.info(
      { attempts: this.#attempts, outage_ms: this.#clock.now() - this.#outageStartMs },
      "inbox reconnected",
    );
    this.#attempts = 0;
    this.#unlogged = 0;
    this.#lastLineMs = Number.NEGATIVE_INFINITY;
  }
}
