/**
 * Router deduplication (spec §11.2, doc §1.6), the same for every RouterStore backend: which key an
 * admission is recorded under, when it is checked, how long an entry matches, and how the original's
 * status is named in DUPLICATE_DETECTED / ALREADY_IN_PROGRESS. Backends only store and look up keys.
 */
import { type MessageLifecycleState, TERMINAL_MESSAGE_STATES } from "@sw4rm/protocol";
import type { AdmitItem, AdmitOutcome } from "../store.js";

export type DuplicateOutcome = Extract<AdmitOutcome, { kind: "duplicate" }>;

/** A stored dedup entry: the message first admitted under the key, and when. */
export interface DedupHit {
  readonly messageId: string;
  readonly createdAtMs: number;
}

/** What the original message's record says, if it is still kept (see `originalStatus`). */
export interface OriginalRecord {
  readonly state: MessageLifecycleState;
  readonly pendingDeliveries: number;
  readonly deadLettered: boolean;
}

/**
 * The key an admission is recorded under: the idempotency token when set, else (producer, sequence).
 * The spelling is stored by durable backends, so it must never change.
 */
export function dedupKey(item: AdmitItem): string {
  return item.idempotencyToken
    ? `t\u0000${item.producerId}\u0000${item.idempotencyToken}`
    : `s\u0000${item.producerId}\u0000${item.sequenceNumber}`;
}

/**
 * Whether an admission is looked up under its `dedupKey`: always by token, but by (producer,
 * sequence) only for retries, because SDKs send sequence_number 1 on every first attempt.
 */
export function checksDuplicates(item: AdmitItem): boolean {
  return item.idempotencyToken !== "" || item.retryCount > 0;
}

/** Entries created at or before this instant are outside the window (no longer match, may be pruned). */
export function dedupCutoff(nowMs: number, windowMs: number): number {
  return nowMs - windowMs;
}

export function isInDedupWindow(createdAtMs: number, nowMs: number, windowMs: number): boolean {
  return createdAtMs > dedupCutoff(nowMs, windowMs);
}

/**
 * Message records are kept while a copy is pending and, after that, as long as a dedup entry may
 * still name their status (admitted within the window).
 */
export function isRecordExpired(pendingDeliveries: number, admittedAtMs: number, cutoffMs: number): boolean {
  return pendingDeliveries <= 0 && admittedAtMs <= cutoffMs;
}

/**
 * The original's status: DEAD_LETTERED, else its terminal lifecycle state (an ACK said so), else
 * DELIVERED once no copy is pending, else IN_FLIGHT; UNKNOWN when its record is gone.
 */
export function originalStatus(original: OriginalRecord | undefined): string {
  if (!original) return "UNKNOWN";
  if (original.deadLettered) return "DEAD_LETTERED";
  if (TERMINAL_MESSAGE_STATES.has(original.state)) return original.state;
  return original.pendingDeliveries === 0 ? "DELIVERED" : "IN_FLIGHT";
}

/** The duplicate outcome for a live hit: ALREADY_IN_PROGRESS while the original is in flight. */
export function duplicateOutcome(hit: DedupHit, original: OriginalRecord | undefined): DuplicateOutcome {
  const status = originalStatus(original);
  return {
    kind: "duplicate",
    inProgress: status === "IN_FLIGHT",
    originalMessageId: hit.messageId,
    originalStatus: status,
    cachedAtMs: hit.createdAtMs,
  };
}
