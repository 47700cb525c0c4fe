/**
 * The admission decision every backend makes inside its commit, before writing an item: a live
 * duplicate is refused first (so a retry of a message to a full buffer is still named a duplicate),
 * then a full recipient buffer. The backend answers the reads; the order and the rules live here.
 */
import type { AdmitItem, AdmitOutcome } from "../store.js";
import { capacityRefusal, type DepthReader } from "./capacity.js";
import { checksDuplicates, type DedupHit, duplicateOutcome, isInDedupWindow, type OriginalRecord } from "./dedup.js";

/** Reads answered inside the backend's running transaction (earlier items of the batch included). */
export interface AdmitReads extends DepthReader {
  /** The dedup entry stored under `key`, whatever its age. */
  dedupEntry(key: string): DedupHit | undefined;
  /** The record of an admitted message while it is kept. */
  originalRecord(messageId: string): OriginalRecord | undefined;
}

/**
 * Why `item` must not be admitted, or undefined to admit it. `key` is `dedupKey(item)`, computed once
 * by the caller, which records the admission under it.
 */
export function admitRefusal(item: AdmitItem, key: string, nowMs: number, reads: AdmitReads): AdmitOutcome | undefined {
  if (checksDuplicates(item)) {
    const hit = reads.dedupEntry(key);
    if (hit && isInDedupWindow(hit.createdAtMs, nowMs, item.dedupWindowMs))
      return duplicateOutcome(hit, reads.originalRecord(hit.messageId));
  }
  return capacityRefusal(item, reads);
}
