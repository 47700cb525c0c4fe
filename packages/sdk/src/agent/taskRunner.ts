import {
  baseContentType,
  CONTENT_TYPES,
  type Clock,
  ErrorCode,
  parseJsonBytes,
  Sw4rmError,
  systemClock,
} from "@sw4rm/protocol";
import type { ReceivedMessage } from "./receivedMessage.js";

/** Scheduler command carried by a CONTROL envelope (JSON body). */
export interface ControlCommand {
  readonly command: "RUN" | "PREEMPT_REQUEST" | "TERMINATE" | string;
  readonly task_id?: string;
  readonly params?: unknown;
  readonly [key: string]: unknown;
}

export interface TaskContext {
  readonly taskId: string;
  readonly params: unknown;
  readonly message: ReceivedMessage;
  /** Aborted on PREEMPT_REQUEST or TERMINATE (and when the agent stops). */
  readonly signal: AbortSignal;
  /** Cooperative yield point: throws TaskPreempted when preemption was requested (outside non-preemptible sections). */
  checkpoint(): Promise<void>;
  /**
   * Runs `fn` as a bounded non-preemptible section (spec §7): a preemption requested meanwhile waits
   * until it ends. Exceeding `maxMs` fails the task with FORCED_PREEMPTION.
   */
  nonPreemptible<T>(maxMs: number, fn: () => Promise<T>): Promise<T>;
}

export type TaskHandler = (ctx: TaskContext) => unknown;

/** Thrown by checkpoint() after a preemption; the runtime ACKs the RUN FULFILLED with note "preempted". */
export class TaskPreempted extends Error {
  readonly kind: "preempted" | "terminated";
  constructor(kind: "preempted" | "terminated") {
    super(kind);
    this.name = "TaskPreempted";
    this.kind = kind;
  }
}

interface Running {
  readonly controller: AbortController;
  kind: "preempted" | "terminated" | undefined;
}

/**
 * The scheduler sends task params as `params_b64` + `params_content_type` (server scheduler/commands.ts);
 * JSON params become a value, anything else stays bytes. A plain `params` value is accepted too.
 */
function decodeParams(c: ControlCommand): unknown {
  if (typeof c.params_b64 !== "string") return c.params;
  const bytes = new Uint8Array(Buffer.from(c.params_b64, "base64"));
  const type = typeof c.params_content_type === "string" ? c.params_content_type : "";
  if (bytes.byteLength > 0 && baseContentType(type) === CONTENT_TYPES.json) return parseJsonBytes(bytes);
  return bytes;
}

/** Parses a CONTROL body into a scheduler command, or undefined when it is not one. */
export function parseControlCommand(message: ReceivedMessage): ControlCommand | undefined {
  try {
    const body = message.json<unknown>();
    if (typeof body === "object" && body !== null && typeof (body as { command?: unknown }).command === "string") {
      const c = body as ControlCommand;
      return { ...c, command: c.command.toUpperCase(), params: decodeParams(c) };
    }
  } catch {
    // not JSON: not a scheduler command
  }
  return undefined;
}

/** Runs scheduler tasks (RUN) and applies PREEMPT_REQUEST / TERMINATE to them (spec §7, App. C.4). */
export class TaskRunner {
  readonly #tasks = new Map<string, Running>();
  readonly #clock: Clock;
  #handler: TaskHandler | undefined;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  setHandler(handler: TaskHandler): void {
    this.#handler = handler;
  }

  get running(): readonly string[] {
    return [...this.#tasks.keys()];
  }

  /** Executes one command; resolves with the ACK note, throws (→ REJECTED/FAILED) otherwise. */
  async execute(command: ControlCommand, message: ReceivedMessage): Promise<unknown> {
    const taskId = command.task_id ?? message.correlationId;
    switch (command.command) {
      case "RUN":
        return this.#run(taskId, command.params, message);
      case "PREEMPT_REQUEST":
      case "TERMINATE": {
        const task = this.#tasks.get(taskId);
        if (!task) throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, `no running task ${taskId}`, { field: "task_id" });
        task.kind = command.command === "TERMINATE" ? "terminated" : "preempted";
        task.controller.abort(new TaskPreempted(task.kind));
        return `${task.kind === "terminated" ? "terminate" : "preempt"} requested for ${taskId}`;
      }
      default:
        throw new Sw4rmError(ErrorCode.UNSUPPORTED_MESSAGE_TYPE, `unknown CONTROL command ${command.command}`, {
          field: "command",
        });
    }
  }

  /** Aborts every running task (agent shutdown). */
  abortAll(): void {
    for (const t of this.#tasks.values()) {
      t.kind = "terminated";
      t.controller.abort(new TaskPreempted("terminated"));
    }
  }

  async #run(taskId: string, params: unknown, message: ReceivedMessage): Promise<unknown> {
    const handler = this.#handler;
    if (!handler)
      throw new Sw4rmError(ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "this agent has no task handler (agent.onTask)");
    if (this.#tasks.has(taskId))
      throw new Sw4rmError(ErrorCode.ALREADY_IN_PROGRESS, `task ${taskId} is already running`, { field: "task_id" });
    const task: Running = { controller: new AbortController(), kind: undefined };
    this.#tasks.set(taskId, task);
    let protectedDepth = 0;
    const yieldIfAsked = () => {
      if (task.controller.signal.aborted && protectedDepth === 0) throw new TaskPreempted(task.kind ?? "preempted");
    };
    const ctx: TaskContext = {
      taskId,
      params,
      message,
      signal: task.controller.signal,
      checkpoint: async () => yieldIfAsked(),
      nonPreemptible: async <T>(maxMs: number, fn: () => Promise<T>): Promise<T> => {
        protectedDepth += 1;
        let timer: { cancel(): void } | undefined;
        try {
          const overrun = new Promise<never>((_, reject) => {
            timer = this.#clock.setTimer(maxMs, () =>
              reject(
                new Sw4rmError(
                  ErrorCode.FORCED_PREEMPTION,
                  `non-preemptible section of task ${taskId} exceeded ${maxMs} ms`,
                  {
                    reason: "forced_preemption",
                  },
                ),
              ),
            );
          });
          return await Promise.race([fn(), overrun]);
        } finally {
          timer?.cancel();
          protectedDepth -= 1;
        }
      },
    };
    try {
      return await handler(ctx);
    } catch (error) {
      if (error instanceof TaskPreempted || task.controller.signal.aborted) {
        if ((task.kind ?? "preempted") === "preempted") return "preempted";
        throw new Sw4rmError(ErrorCode.FORCED_PREEMPTION, `task ${taskId} terminated`, { reason: "terminated" });
      }
      throw error;
    } finally {
      this.#tasks.delete(taskId);
    }
  }
}
