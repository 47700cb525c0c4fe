/**
 * What a dead-letter entry holds (spec §21.1), the same for every backend: the attempt history, the
 * payload excerpt, the reason a consumer's PERMANENT_FAILURE is recorded under, and DLQ paging.
 */
import { Envelope, ErrorCode } from "@sw4rm/protocol";
import type { DlqAttempt, DlqFilter } from "../store.js";

/** A consumer acked PERMANENT_FAILURE: the copy is dead-lettered with this code and reason. */
export const CONSUMER_REJECTED = {
  code: ErrorCode.ERROR_CODE_UNSPECIFIED,
  reason: "permanent_failure: consumer rejected",
} as const;

/**
 * History of a copy being dead-lettered: what it carried (earlier attempts, kept across requeues),
 * the router's in-memory attempts of this process, then the dead-lettering itself.
 */
export function deadLetterAttempts(
  history: readonly DlqAttempt[],
  recent: readonly DlqAttempt[],
  nowMs: number,
  reason: string,
): DlqAttempt[] {
  return [...history, ...recent, { atMs: nowMs, event: "dead_lettered", reason }];
}

/** History a requeued copy carries back into its queue. */
export function requeueHistory(attempts: readonly DlqAttempt[], nowMs: number): DlqAttempt[] {
  return [...attempts, { atMs: nowMs, event: "requeued", reason: "admin" }];
}

const EXCERPT_BYTES = 256;
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** First 256 payload bytes, as UTF-8 text when they decode cleanly, else `base64:...`. */
export function payloadExcerpt(envelopeBytes: Uint8Array): string {
  let payload: Uint8Array;
  try {
    payload = Envelope.decode(envelopeBytes).payload;
  } catch {
    return "";
  }
  const head = payload.subarray(0, EXCERPT_BYTES);
  try {
    return utf8Strict.decode(head);
  } catch {
    return `base64:${Buffer.from(head).toString("base64")}`;
  }
}

/** Entries one dlqList call returns: `limit`, default 1000, clamped to 1..10000. */
export function dlqPageSize(filter: DlqFilter): number {
  return Math.max(1, Math.min(filter.limit ?? 1000, 10_000));
}

/**
 * Whether `entry` passes `filter` (all given conditions; fromMs inclusive, toMs exclusive, on the
 * failure time). The SQLite backend states the same conditions in SQL (sqliteDlq.ts).
 */
export function matchesDlqFilter(
  entry: { readonly id: number; readonly agentId: string; readonly errorCode: ErrorCode; readonly failedAtMs: number },
  filter: DlqFilter,
): boolean {
  return (
    (filter.agentId === undefined || entry.agentId === filter.agentId) &&
    (filter.errorCode === undefined || entry.errorCode === filter.errorCode) &&
    (filter.fromMs === undefined || entry.failedAtMs >= filter.fromMs) &&
    (filter.toMs === undefined || entry.failedAtMs < filter.toMs) &&
    (filter.afterId === undefined || entry.id > filter.afterId)
  );
}
