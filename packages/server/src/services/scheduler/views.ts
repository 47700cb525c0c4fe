/** snake_case JSON views of scheduler tasks for the admin API, the CLI and the dashboard. */
import { isoFromMs } from "@sw4rm/protocol";
import { isoOrNull } from "../../admin/params.js";
import type { TaskView as TaskRecordView } from "./index.js";
import type { AgentTimeout } from "./agentWatch.js";

export interface TaskView {
  readonly task_id: string;
  readonly agent_id: string;
  readonly priority: number;
  readonly scope: string;
  readonly params_content_type: string;
  readonly params_bytes: number;
  readonly correlation_id: string;
  /** QUEUED, DISPATCHED, RUNNING, DONE or FAILED. */
  readonly status: string;
  readonly seq: number;
  readonly submitted_at: string;
  readonly updated_at: string;
  readonly attempts: number;
  readonly run_message_id: string;
  readonly preempt_deadline_at: string | null;
  readonly preempt_reason: string;
  readonly non_preemptible_until: string | null;
  readonly preemptions: number;
  readonly error_code: string;
  readonly error_note: string;
  readonly activity_error: string;
  readonly finished_at: string | null;
}

export function taskView(t: TaskRecordView): TaskView {
  return {
    task_id: t.taskId,
    agent_id: t.agentId,
    priority: t.priority,
    scope: t.scope,
    params_content_type: t.paramsContentType,
    params_bytes: t.paramsBytes,
    correlation_id: t.correlationId,
    status: t.status,
    seq: t.seq,
    submitted_at: isoFromMs(t.submittedAtMs),
    updated_at: isoFromMs(t.updatedAtMs),
    attempts: t.attempts,
    run_message_id: t.runMessageId,
    preempt_deadline_at: isoOrNull(t.preemptDeadlineMs),
    preempt_reason: t.preemptReason,
    non_preemptible_until: isoOrNull(t.nonPreemptibleUntilMs),
    preemptions: t.preemptions,
    error_code: t.errorCode,
    error_note: t.errorNote,
    activity_error: t.activityError,
    finished_at: isoOrNull(t.finishedAtMs),
  };
}

export interface AgentTimeoutView {
  readonly agent_id: string;
  readonly state: string;
  readonly code: string;
  readonly at: string;
}

export function agentTimeoutView(t: AgentTimeout): AgentTimeoutView {
  return { agent_id: t.agentId, state: t.state, code: t.code, at: isoFromMs(t.atMs) };
}
