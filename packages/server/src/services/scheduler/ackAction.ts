/**
 * What an ACK to one of our CONTROL envelopes means for its task, as a pure decision (the engine
 * applies it). ACK stages (spec §11, doc §1.4) on a RUN command:
 *   READ → RUNNING; FULFILLED → DONE, or "yielded" when a preemption is pending and the note says
 *   "preempt"/"yield" (spec §7.2, C.4); FAILED/REJECTED → FAILED with the ACK's error code;
 *   TIMED_OUT, or a router NACK for a transient delivery failure → back to the queue.
 * On a PREEMPT_REQUEST, FULFILLED = yielded (the sequence of spec C.4). Any ACK note may declare a
 * non-preemptible section ("non_preemptible max_ms=<n>").
 */
import { type Ack, AckStage, ackStageName, ErrorCode, errorCodeName } from "@sw4rm/protocol";
import { isYieldNote, nonPreemptibleFromNote } from "./commands.js";
import type { ControlRecord, TaskRecord } from "./types.js";

export type AckAction =
  | { readonly kind: "ignore"; readonly why: string }
  | { readonly kind: "running" }
  | { readonly kind: "done" }
  | { readonly kind: "yielded" }
  | { readonly kind: "failed"; readonly code: string; readonly note: string }
  | { readonly kind: "requeue"; readonly why: string }
  | { readonly kind: "log"; readonly what: string };

/** Delivery failures the router reports for a message that never reached the agent: worth retrying. */
const TRANSIENT_CODES = new Set<ErrorCode>([
  ErrorCode.BUFFER_FULL,
  ErrorCode.NO_ROUTE,
  ErrorCode.AGENT_UNAVAILABLE,
  ErrorCode.ACK_TIMEOUT,
  ErrorCode.TTL_EXPIRED,
  ErrorCode.OVERLOADED,
]);

export interface AckContext {
  readonly ack: Ack;
  /** producer_id of the ACK envelope: the agent itself, or the router for a NACK. */
  readonly from: string;
  readonly control: ControlRecord;
  /** The task's current record, undefined when it already finished. */
  readonly task: TaskRecord | undefined;
}

function onRun(ctx: AckContext, task: TaskRecord): AckAction {
  const { ack } = ctx;
  switch (ack.ackStage) {
    case AckStage.RECEIVED:
      return { kind: "ignore", why: "RECEIVED" };
    case AckStage.READ:
      return task.status === "DISPATCHED" ? { kind: "running" } : { kind: "ignore", why: "already running" };
    case AckStage.FULFILLED:
      return task.preemptDeadlineMs !== undefined && isYieldNote(ack.note) ? { kind: "yielded" } : { kind: "done" };
    case AckStage.TIMED_OUT:
      return { kind: "requeue", why: `RUN timed out before the agent acknowledged it${noteOf(ack)}` };
    case AckStage.FAILED:
    case AckStage.REJECTED: {
      if (ctx.from !== task.agentId && TRANSIENT_CODES.has(ack.errorCode))
        return { kind: "requeue", why: `router reported ${errorCodeName(ack.errorCode)}${noteOf(ack)}` };
      const code =
        ack.errorCode === ErrorCode.ERROR_CODE_UNSPECIFIED ? ackStageName(ack.ackStage) : errorCodeName(ack.errorCode);
      return { kind: "failed", code, note: ack.note };
    }
    default:
      return { kind: "ignore", why: `unexpected stage ${ackStageName(ack.ackStage)}` };
  }
}

const noteOf = (ack: Ack): string => (ack.note ? `: ${ack.note}` : "");

export function ackAction(ctx: AckContext): AckAction {
  const { control, task, ack } = ctx;
  const stage = ackStageName(ack.ackStage);
  if (control.command === "SHUTDOWN") return { kind: "log", what: `SHUTDOWN ${stage}${noteOf(ack)}` };
  if (!task) return { kind: "ignore", why: `task ${control.taskId} already finished` };
  if (control.command === "TERMINATE") return { kind: "log", what: `TERMINATE ${stage}${noteOf(ack)}` };
  if (control.command === "PREEMPT_REQUEST") {
    if (task.runMessageId === "" || task.preemptDeadlineMs === undefined)
      return { kind: "ignore", why: "no preemption pending" };
    if (ack.ackStage === AckStage.FULFILLED) return { kind: "yielded" };
    return { kind: "log", what: `PREEMPT_REQUEST ${stage}${noteOf(ack)}` };
  }
  // A RUN ACK for an earlier attempt (before a yield or a restart) says nothing about the current one.
  if (task.runMessageId !== control.messageId) return { kind: "ignore", why: "ACK for an earlier RUN attempt" };
  return onRun(ctx, task);
}

/** A non-preemptible section declared in the ACK's note (spec §7.2), in ms, if any. */
export function declaredNonPreemptibleMs(ack: Ack): number | undefined {
  return ack.ackStage === AckStage.RECEIVED || ack.ackStage === AckStage.READ
    ? nonPreemptibleFromNote(ack.note)
    : undefined;
}
