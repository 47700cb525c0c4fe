/**
 * Message lifecycle as the router records it (spec §11.1, doc §1.5), the same for every backend:
 * a message is RECEIVED once admitted, and ACKs only ever move it forward.
 */
import type { MessageLifecycleState } from "@sw4rm/protocol";

/** The state of a message record when it is admitted (and when a DLQ requeue recreates it). */
export const ADMITTED_STATE: MessageLifecycleState = "RECEIVED";

/** Progress order; the terminal states share the highest rank. */
const STATE_RANK: Readonly<Record<MessageLifecycleState, number>> = {
  SENT: 0,
  RETRYING: 0,
  RECEIVED: 1,
  READ: 2,
  FULFILLED: 3,
  REJECTED: 3,
  FAILED: 3,
  TIMED_OUT: 3,
};

/**
 * Whether an ACK carrying `next` moves a message in state `current`: late or out-of-order ACKs never
 * move it backwards, and nothing moves it out of a terminal state.
 */
export function advancesLifecycle(current: MessageLifecycleState, next: MessageLifecycleState): boolean {
  return STATE_RANK[next] > STATE_RANK[current];
}
