/**
 * SW4-004 §5 delegation cancellation (conformance suite `sw4_004_cancellation`).
 *
 * One flag per correlation id. State per id:
 *   ACTIVE (no flag) → CANCELLED_IN_GRACE (now − cancelTime < grace) → GRACE_EXPIRED (≥ grace).
 * Only GRACE_EXPIRED work is force-preempted (ErrorCode.FORCED_PREEMPTION, T-009).
 */
import { ErrorCode } from "../gen/index.js";

/** SW4-004 §5.5: the grace period is at least 5000 ms, whatever the requester asked for. */
export const MIN_CANCEL_GRACE_PERIOD_MS = 5000;

export interface CancellationFlag {
  readonly cancelled: true;
  readonly reason: string;
  readonly gracePeriodMs: number;
  readonly cancelTimeMs: number;
}

export interface CancelDelegationRequest {
  readonly correlationId: string;
  readonly reason: string;
  readonly gracePeriodMs: number;
}

export interface CancelDelegationAck {
  readonly acknowledged: true;
  readonly effectiveGracePeriodMs: number;
}

export interface CancellationManagerOptions {
  /** Clock in epoch ms; injectable so tests are deterministic. Default Date.now. */
  readonly nowMs?: () => number;
}

/**
 * Grace a child delegation may get: never longer than the parent's remaining grace, so a
 * cancelled parent cannot be outlived by its children. A parent already past its grace
 * yields 0 (preempt now). The clamp wins over the 5000 ms floor, which applies to the
 * root request only (§5.5 bounds how soon a requester may force preemption, not how long a
 * child may outlive its parent).
 */
export function clampChildGrace(parentRemainingMs: number, requestedMs: number): number {
  if (Number.isNaN(parentRemainingMs) || Number.isNaN(requestedMs)) {
    throw new TypeError("clampChildGrace: arguments must be numbers, got NaN");
  }
  return Math.max(0, Math.min(parentRemainingMs, requestedMs));
}

export class CancellationManager {
  readonly #nowMs: () => number;
  readonly #flags = new Map<string, CancellationFlag>();
  /** parent correlation id → its directly registered children (insertion order). */
  readonly #children = new Map<string, Set<string>>();

  constructor(options: CancellationManagerOptions = {}) {
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** Record that `child` was delegated from `parent` (needed for §5.3 propagation). */
  registerChildDelegation(parent: string, child: string): void {
    let set = this.#children.get(parent);
    if (set === undefined) {
      set = new Set();
      this.#children.set(parent, set);
    }
    set.add(child);
  }

  /**
   * §5.2: acknowledge immediately; §5.3: flag the correlation and its DIRECT children with
   * the same grace and cancel time. R21: grandchildren are not flagged here — forwarding the
   * cancel further down is the gateway's job. An already-flagged id keeps its original flag,
   * so repeating a cancel cannot extend (or restart) a running grace period.
   */
  handleCancelDelegation(request: CancelDelegationRequest): CancelDelegationAck {
    if (Number.isNaN(request.gracePeriodMs)) {
      throw new TypeError("gracePeriodMs must be a number, got NaN");
    }
    const effectiveGracePeriodMs = Math.max(request.gracePeriodMs, MIN_CANCEL_GRACE_PERIOD_MS);
    const flag: CancellationFlag = Object.freeze({
      cancelled: true,
      reason: request.reason,
      gracePeriodMs: effectiveGracePeriodMs,
      cancelTimeMs: this.#nowMs(),
    });
    const targets = [request.correlationId, ...(this.#children.get(request.correlationId) ?? [])];
    for (const id of targets) {
      if (!this.#flags.has(id)) this.#flags.set(id, flag);
    }
    return { acknowledged: true, effectiveGracePeriodMs };
  }

  isCancelled(correlationId: string): boolean {
    return this.#flags.has(correlationId);
  }

  getFlag(correlationId: string): CancellationFlag | undefined {
    return this.#flags.get(correlationId);
  }

  /** True once now − cancelTime ≥ grace (the exact boundary counts as expired). */
  isGraceExpired(correlationId: string, nowMs: number = this.#nowMs()): boolean {
    const flag = this.#flags.get(correlationId);
    return flag !== undefined && nowMs - flag.cancelTimeMs >= flag.gracePeriodMs;
  }

  /** T-009: FORCED_PREEMPTION once grace has expired, ERROR_CODE_UNSPECIFIED before (or if never cancelled). */
  forcedPreemptionErrorCode(correlationId: string, nowMs: number = this.#nowMs()): ErrorCode {
    return this.isGraceExpired(correlationId, nowMs) ? ErrorCode.FORCED_PREEMPTION : ErrorCode.ERROR_CODE_UNSPECIFIED;
  }

  /** The active ids that must be force-preempted now; never-cancelled ids are excluded. */
  collectForcedPreemptions(activeIds: Iterable<string>, nowMs: number = this.#nowMs()): string[] {
    const result: string[] = [];
    for (const id of new Set(activeIds)) {
      if (this.isGraceExpired(id, nowMs)) result.push(id);
    }
    return result;
  }
}
