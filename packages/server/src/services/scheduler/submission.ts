/** SubmitTask checks and the new task record (spec §7.1, §9.2, §11.2). */
import { randomUUID } from "node:crypto";
import { isoFromMs, PRIORITY_HIGHEST, PRIORITY_LOWEST, type SubmitTaskRequest } from "@sw4rm/protocol";
import { normalizeScope } from "./scope.js";
import { type TaskRecord, TERMINAL_STATUSES } from "./types.js";

/**
 * Sizes accepted by SubmitTask. The RUN command carries the task as JSON (params base64-encoded) in a
 * CONTROL envelope, whose payload limit is 64 KiB (doc §4.2): within these bounds every accepted task
 * can be dispatched (40 KiB params → 54.6 KB of base64, leaving room for the ids even when every
 * character is JSON-escaped); beyond them the router would refuse every RUN as oversize_payload.
 */
export const MAX_PARAMS_BYTES = 40 * 1024;
export const MAX_TASK_ID_LENGTH = 256;
export const MAX_TASK_AGENT_ID_LENGTH = 256;
export const MAX_SCOPE_LENGTH = 1024;
export const MAX_CONTENT_TYPE_LENGTH = 256;

function tooLong(field: string, value: string, max: number): string | undefined {
  return value.length > max ? `${field}: must be at most ${max} characters, got ${value.length}` : undefined;
}

/** What is wrong with the request (and how to fix it), or undefined when it is acceptable. */
export function validateSubmission(req: SubmitTaskRequest): string | undefined {
  if (req.agentId.trim() === "") return "agent_id: is required (the agent that should run the task)";
  if (req.taskId.trim() === "") return "task_id: is required (a stable id for this task)";
  const long =
    tooLong("agent_id", req.agentId, MAX_TASK_AGENT_ID_LENGTH) ??
    tooLong("task_id", req.taskId, MAX_TASK_ID_LENGTH) ??
    tooLong("scope", req.scope, MAX_SCOPE_LENGTH) ??
    tooLong("content_type", req.contentType, MAX_CONTENT_TYPE_LENGTH);
  if (long) return long;
  const p = req.priority;
  if (!Number.isInteger(p) || p < PRIORITY_HIGHEST || p > PRIORITY_LOWEST)
    return `priority: must be an integer from ${PRIORITY_HIGHEST} (highest) to ${PRIORITY_LOWEST} (lowest), got ${p}`;
  if (normalizeScope(req.scope) === "")
    return 'scope: is required (spec §9.2: every task carries scope metadata, e.g. "repo:app/src" or "*")';
  if (req.params.byteLength > MAX_PARAMS_BYTES)
    return (
      `params: must be at most ${MAX_PARAMS_BYTES} bytes (the RUN command is a CONTROL envelope, 64 KiB), ` +
      `got ${req.params.byteLength}; pass large inputs by reference`
    );
  if (req.params.byteLength > 0 && req.contentType.trim() === "")
    return "content_type: is required when params are present (a MIME type, e.g. application/json)";
  return undefined;
}

/** spec §9.2, §11.2: one task id, one execution. Undefined when the id is new. */
export function duplicateReason(existing: TaskRecord | undefined): string | undefined {
  if (!existing) return undefined;
  if (!TERMINAL_STATUSES.has(existing.status))
    return `ALREADY_IN_PROGRESS: task ${existing.taskId} is ${existing.status} on agent ${existing.agentId}`;
  const code = existing.errorCode ? ` ${existing.errorCode}` : "";
  const at = isoFromMs(existing.finishedAtMs ?? existing.updatedAtMs);
  return `DUPLICATE_DETECTED: task ${existing.taskId} already finished (${existing.status}${code} at ${at})`;
}

export function newTask(req: SubmitTaskRequest, seq: number, nowMs: number): TaskRecord {
  return {
    taskId: req.taskId,
    agentId: req.agentId,
    priority: req.priority,
    scope: normalizeScope(req.scope),
    params: req.params,
    paramsContentType: req.contentType,
    correlationId: randomUUID(),
    status: "QUEUED",
    seq,
    submittedAtMs: nowMs,
    updatedAtMs: nowMs,
    attempts: 0,
    runMessageId: "",
    preemptDeadlineMs: undefined,
    preemptReason: "",
    nonPreemptibleUntilMs: undefined,
    preemptions: 0,
    errorCode: "",
    errorNote: "",
    activityError: "",
    finishedAtMs: undefined,
  };
}
