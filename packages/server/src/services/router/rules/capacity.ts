/**
 * The per-recipient inbound buffer (spec §13), the same for every backend: an admission is refused
 * when any recipient already holds `capacity` un-acked copies (queued + in flight, including this
 * transaction's earlier admissions). Items without a capacity (system messages) are never refused.
 */
import type { AdmitItem, AdmitOutcome } from "../store.js";

export type BufferFullOutcome = Extract<AdmitOutcome, { kind: "buffer_full" }>;

export interface DepthReader {
  /** The agent's un-acked copies as the running transaction sees them. */
  depth(agentId: string): number;
}

export function capacityRefusal(item: AdmitItem, reader: DepthReader): BufferFullOutcome | undefined {
  const capacity = item.capacity;
  if (capacity === undefined) return undefined;
  let full: string[] | undefined;
  for (const agentId of item.recipients) if (reader.depth(agentId) >= capacity) (full ??= []).push(agentId);
  return full ? { kind: "buffer_full", agents: full, capacity } : undefined;
}
