/**
 * Sends the scheduler's CONTROL commands through the router's ingress as system messages, after
 * recording each envelope's message_id → (command, agent, task) so ACKs can be matched, durably.
 */
import { type Clock, EnvelopeFactory } from "@sw4rm/protocol";
import type { RouterIngress } from "../contracts.js";
import { commandEnvelope, SCHEDULER_AGENT_ID, type SchedulerCommandBody } from "./commands.js";
import type { SchedulerStore, TaskRecord } from "./types.js";

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
  /** Submits to the router; resolves undefined when accepted, otherwise why not (never rejects). */
  submit(): Promise<string | undefined>;
}

export class ControlSender {
  readonly #factory: EnvelopeFactory;
  readonly #store: SchedulerStore;
  readonly #ingress: RouterIngress;
  readonly #clock: Clock;

  constructor(store: SchedulerStore, ingress: RouterIngress, clock: Clock) {
    this.#factory = new EnvelopeFactory({ producerId: SCHEDULER_AGENT_ID, clock });
    this.#store = store;
    this.#ingress = ingress;
    this.#clock = clock;
  }

  /**
   * Builds and records the envelope synchronously, so the caller can store its message_id on the task
   * before the router (and so an ACK) can see it. `task` gives correlation and repo/worktree context.
   */
  prepare(agentId: string, body: SchedulerCommandBody, task?: TaskRecord): PreparedCommand {
    const entry = task && this.#store.getActivity(task.taskId);
    const env = commandEnvelope(this.#factory, body, {
      correlationId: task?.correlationId,
      repoId: entry?.active ? envelopeId(entry.repoId) : undefined,
      worktreeId: entry?.active ? envelopeId(entry.worktreeId) : undefined,
    });
    this.#store.putControl({
      messageId: env.messageId,
      command: body.command,
      agentId,
      taskId: task?.taskId ?? "",
      sentAtMs: this.#clock.now(),
    });
    // No recipient would make the router broadcast the command to every agent that accepts it.
    const submit = () =>
      agentId.trim() === ""
        ? Promise.resolve("no agent id to send the command to")
        : this.#ingress.submit(env, { to: [agentId], system: true }).then(
            (r) => (r.accepted ? undefined : r.reason || "refused by the router"),
            (err: unknown) => (err instanceof Error ? err.message : String(err)),
          );
    return { messageId: env.messageId, submit };
  }
}
