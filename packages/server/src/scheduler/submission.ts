/** SubmitTask checks and the new task record (spec §7.1, §9.2, §11.2). */
import { randomUUID } from "node:crypto";
import { isoFromMs, PRIORITY_HIGHEST, PRIORITY_LOWEST, type SubmitTaskRequest } from "@sw4rm/protocol";
import { normalizeScope } from "./scope.js";
import { type TaskRecord, TERMINAL_STATUSES } from "./types.js";

/** What is wrong with the request (and how to fix it), or undefined when it is acceptable. */
export function validateSubmission(req: SubmitTaskRequest): string | undefined {
  if (req.agentId.trim() === "") return "agent_id: is required (the agent that should run the task)";
  if (req.taskId.trim() === "") return "task_id: is required (a stable id for this task)";
  const p = req.priority;
  if (!Number.isInteger(p) || p < PRIORITY_HIGHEST || p > PRIORITY_LOWEST)
    return `priority: must be an integer from ${PRIORITY_HIGHEST} (highest) to ${PRIORITY_LOWEST} (lowest), got ${p}`;
  if (normalizeScope(req.scope) === "")
    return 'scope: is required (spec §9.2: every task carries scope metadata, e.g. "repo:app/src" or "*")';
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
