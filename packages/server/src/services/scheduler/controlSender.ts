/**
 * Builds the scheduler's CONTROL commands and sends them through the router's ingress as system
 * messages. Each command comes with its ControlRecord (message_id → command, agent, task), which the
 * caller commits before sending, so an ACK always finds what it answers.
 */
import { type Clock, EnvelopeFactory } from "@sw4rm/protocol";
import type { RouterIngress } from "../../contracts.js";
import { commandEnvelope, SCHEDULER_AGENT_ID, type SchedulerCommandBody } from "./commands.js";
import type { ActivityRecord, ControlRecord, TaskRecord } from "./types.js";

/**
 * repo/worktree ids come from the task's params JSON: only ones the envelope rules accept (at most 256
 * characters, no control characters) are copied, or the router would refuse every command of the task.
 */
function envelopeId(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what we leave out
  return value.length <= 256 && !/[\u0000-\u001f\u007f]/.test(value) ? value : undefined;
}

export interface PreparedCommand {
  readonly messageId: string;
  /** What to commit before `submit()`. */
  readonly record: ControlRecord;
  /** Submits to the router; resolves undefined when accepted, otherwise why not (never rejects). */
  submit(): Promise<string | undefined>;
}

export class ControlSender {
  readonly #factory: EnvelopeFactory;
  readonly #ingress: RouterIngress;
  readonly #clock: Clock;
  readonly #activityOf: (taskId: string) => ActivityRecord | undefined;

  /** `activityOf` gives a task's activity entry, whose repo/worktree ids the commands carry. */
  constructor(
    ingress: RouterIngress,
    clock: Clock,
    activityOf: (taskId: string) => ActivityRecord | undefined = () => undefined,
  ) {
    this.#factory = new EnvelopeFactory({ producerId: SCHEDULER_AGENT_ID, clock });
    this.#ingress = ingress;
    this.#clock = clock;
    this.#activityOf = activityOf;
  }

  /** Builds the envelope and its record. `task` gives correlation and repo/worktree context. */
  prepare(agentId: string, body: SchedulerCommandBody, task?: TaskRecord): PreparedCommand {
    const entry = task && this.#activityOf(task.taskId);
    const env = commandEnvelope(this.#factory, body, {
      correlationId: task?.correlationId,
      repoId: entry?.active ? envelopeId(entry.repoId) : undefined,
      worktreeId: entry?.active ? envelopeId(entry.worktreeId) : undefined,
    });
    const record: ControlRecord = {
      messageId: env.messageId,
      command: body.command,
      agentId,
      taskId: task?.taskId ?? "",
      sentAtMs: this.#clock.now(),
    };
    // No recipient would make the router broadcast the command to every agent that accepts it.
    const submit = () =>
      agentId.trim() === ""
        ? Promise.resolve("no agent id to send the command to")
        : this.#ingress.submit(env, { to: [agentId], system: true }).then(
            (r) => (r.accepted ? undefined : r.reason || "refused by the router"),
            (err: unknown) => (err instanceof Error ? err.message : String(err)),
          );
    return { messageId: env.messageId, record, submit };
  }
}
