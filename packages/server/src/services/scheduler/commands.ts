/**
 * The scheduler's CONTROL commands (spec §7, doc §4.3). Sent as CONTROL envelopes with content type
 * `application/vnd.sw4rm.scheduler.command+json;v=1` and producer id `sw4rm-scheduler`. JSON bodies:
 *
 *   {"command":"RUN","task_id","priority","scope","params_content_type","params_b64"}
 *   {"command":"PREEMPT_REQUEST","task_id","reason","grace_ms"}
 *   {"command":"TERMINATE","task_id","grace_ms","reason"}
 *   {"command":"SHUTDOWN","grace_ms","reason"}
 *
 * The agent answers with ACKs addressed to `sw4rm-scheduler`: RUN → READ (running), FULFILLED (done;
 * a note containing "preempt" or "yield" while a preemption is pending = yielded), FAILED/REJECTED.
 * A non-preemptible section (spec §7.2) is declared by an ACK note `non_preemptible max_ms=<n>` or a
 * NOTIFICATION body {"event":"non_preemptible","task_id","max_ms"}.
 */
import { CONTENT_TYPES, type Envelope, type EnvelopeFactory, MessageType, parseJsonBytes } from "@sw4rm/protocol";

/** Producer id of every envelope the scheduler sends; ACKs to it reach `handleAck`. */
export const SCHEDULER_AGENT_ID = "sw4rm-scheduler";

export interface RunCommand {
  readonly command: "RUN";
  readonly task_id: string;
  readonly priority: number;
  readonly scope: string;
  readonly params_content_type: string;
  readonly params_b64: string;
}

export interface PreemptRequestCommand {
  readonly command: "PREEMPT_REQUEST";
  readonly task_id: string;
  readonly reason: string;
  readonly grace_ms: number;
}

export interface TerminateCommand {
  readonly command: "TERMINATE";
  readonly task_id: string;
  readonly grace_ms: number;
  readonly reason: string;
}

export interface ShutdownCommand {
  readonly command: "SHUTDOWN";
  readonly grace_ms: number;
  readonly reason: string;
}

export type SchedulerCommandBody = RunCommand | PreemptRequestCommand | TerminateCommand | ShutdownCommand;

export interface CommandEnvelopeInit {
  readonly correlationId?: string;
  readonly repoId?: string;
  readonly worktreeId?: string;
}

export function commandEnvelope(
  factory: EnvelopeFactory,
  body: SchedulerCommandBody,
  init: CommandEnvelopeInit = {},
): Envelope {
  return factory.json(MessageType.CONTROL, body, { ...init, contentType: CONTENT_TYPES.schedulerCommand });
}

/** Reads a CONTROL envelope's command body (for agents and tests); undefined when it is not ours. */
export function parseCommand(envelope: Envelope): SchedulerCommandBody | undefined {
  if (envelope.messageType !== MessageType.CONTROL) return undefined;
  try {
    const body = parseJsonBytes(envelope.payload);
    if (typeof body !== "object" || body === null) return undefined;
    const command = (body as Record<string, unknown>).command;
    return command === "RUN" || command === "PREEMPT_REQUEST" || command === "TERMINATE" || command === "SHUTDOWN"
      ? (body as SchedulerCommandBody)
      : undefined;
  } catch {
    return undefined;
  }
}

/** An ACK note that reports a cooperative yield rather than completion. */
export function isYieldNote(note: string): boolean {
  return /preempt|yield/i.test(note);
}

/** `max_ms` of a non-preemptible declaration in an ACK note, e.g. "non_preemptible max_ms=2000". */
export function nonPreemptibleFromNote(note: string): number | undefined {
  const match = /non[-_ ]?preemptible\D*(\d+)/i.exec(note);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface NonPreemptibleNotice {
  readonly taskId: string;
  readonly maxMs: number;
}

/** Reads a NOTIFICATION body {"event":"non_preemptible","task_id","max_ms"}; undefined otherwise. */
export function nonPreemptibleFromNotification(envelope: Envelope): NonPreemptibleNotice | undefined {
  if (envelope.messageType !== MessageType.NOTIFICATION) return undefined;
  let body: unknown;
  try {
    body = parseJsonBytes(envelope.payload);
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const o = body as Record<string, unknown>;
  const taskId = o.task_id ?? o.taskId;
  const maxMs = Number(o.max_ms ?? o.maxMs);
  if (o.event !== "non_preemptible" || typeof taskId !== "string" || !Number.isFinite(maxMs) || maxMs < 0)
    return undefined;
  return { taskId, maxMs };
}
