import { type Clock, type Envelope, parseAck, type SubmitTaskRequest, type TimerHandle } from "@sw4rm/protocol";
import type { AgentDirectory, Logger, RouterIngress } from "../contracts.js";
import { ackAction, declaredNonPreemptibleMs } from "./ackAction.js";
import { ActivityBuffer, resolveActivityLimits } from "./activityBuffer.js";
import { AgentWatch } from "./agentWatch.js";
import { nonPreemptibleFromNotification } from "./commands.js";
import { ControlSender } from "./controlSender.js";
import { type ResolvedOptions, resolveOptions } from "./options.js";
import { type Plan, planRound } from "./planner.js";
import { Preemptor } from "./preemption.js";
import { ShutdownTracker } from "./shutdowns.js";
import { duplicateReason, newTask, validateSubmission } from "./submission.js";
import { TaskTable } from "./taskTable.js";
import {
  ACTIVE_STATUSES,
  type SchedulerEvent,
  type SchedulerOptions,
  type SchedulerStore,
  type TaskRecord,
} from "./types.js";

export interface SchedulerDeps {
  readonly store: SchedulerStore;
  readonly ingress: RouterIngress;
  readonly directory: AgentDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options?: SchedulerOptions;
}

export interface SubmitOutcome {
  readonly accepted: boolean;
  readonly reason: string;
}

export class Scheduler {
  readonly store: SchedulerStore;
  readonly activity: ActivityBuffer;
  readonly watch: AgentWatch;
  readonly shutdowns: ShutdownTracker;
  readonly #o: ResolvedOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #control: ControlSender;
  readonly #table: TaskTable;
  readonly #preemptor: Preemptor;
  readonly #inflight = new Set<Promise<unknown>>();
  #retryTimer: TimerHandle | undefined;
  #seq: number;
  #closed = false;

  constructor(deps: SchedulerDeps) {
    this.store = deps.store;
    this.#o = resolveOptions(deps.options);
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#control = new ControlSender(deps.store, deps.ingress, deps.clock);
    this.#table = new TaskTable(deps.store, deps.clock, deps.logger);
    this.#preemptor = new Preemptor({
      table: this.#table,
      control: this.#control,
      clock: deps.clock,
      logger: deps.logger,
      options: this.#o,
      fail: (task, code, note) => this.#finish(task, "FAILED", code, note),
      track: (p) => void this.#track(p),
      kick: () => this.kick(),
    });
    this.activity = new ActivityBuffer(this.store, resolveActivityLimits(deps.options?.activity), deps.logger);
    this.#seq = this.store.maxSeq();
    this.shutdowns = new ShutdownTracker({
      store: this.store,
      clock: deps.clock,
      logger: deps.logger,
      onDeadline: (agentId, graceMs) => this.#shutdownExpired(agentId, graceMs),
    });
    this.#recover();
    this.watch = new AgentWatch({
      directory: deps.directory,
      clock: deps.clock,
      logger: deps.logger,
      timeoutsMs: this.#o.stateTimeoutsMs,
      onChange: (change) => {
        // A re-registration after a shutdown is a new life of the agent: it may take work again.
        if (change?.kind === "joined") this.shutdowns.clear(change.agent.descriptor.agentId);
        this.kick();
      },
      onEvent: (event) => this.#table.emit(event),
    });
  }

  // ---- submission -------------------------------------------------------------------------------

  /** SubmitTask (spec §7.1, §9.1, §9.2, §11.2). */
  async submit(req: SubmitTaskRequest): Promise<SubmitOutcome> {
    const refused = validateSubmission(req);
    if (refused) return { accepted: false, reason: refused };
    const now = this.#clock.now();
    this.store.pruneTerminal(now - this.#o.dedupWindowMs);
    const duplicate = duplicateReason(this.#table.get(req.taskId) ?? this.store.getTask(req.taskId));
    if (duplicate) return { accepted: false, reason: duplicate };
    if (this.shutdowns.get(req.agentId))
      return { accepted: false, reason: `agent ${req.agentId} is shutting down (spec §8.4: no new tasks)` };
    const task = newTask(req, ++this.#seq, now);
    this.#table.set(task, "NEW", `submitted with priority ${task.priority}, scope "${task.scope}"`);
    const { plan, done } = this.#round();
    await done;
    const current = this.#table.get(task.taskId);
    // Accepted and waiting: tell the requester why (spec §9.1); dispatched: "" or the activity warning.
    const reason =
      current?.status === "QUEUED"
        ? (plan.waiting.get(task.taskId) ?? "queued: dispatch will be retried")
        : current?.activityError || "";
    return { accepted: true, reason };
  }

  // ---- scheduling round ---------------------------------------------------------------------------

  /** Re-evaluates the queue in the background (directory changes, timers). */
  kick(): void {
    if (!this.#closed) this.#track(this.#round().done);
  }

  /** Resolves once every send started so far has completed (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
  }

  #round(): { plan: Plan; done: Promise<unknown> } {
    const plan = planRound({
      tasks: this.#table.values(),
      agentBlock: (id) => this.watch.blockReason(id) ?? this.shutdowns.blockReason(id),
      limitFor: (id) => this.#o.maxParallelByAgent[id] ?? this.#o.maxParallelInstances,
    });
    if (this.#closed) return { plan, done: Promise.resolve() };
    const sends: Promise<unknown>[] = [];
    for (const p of plan.preempt)
      sends.push(this.#preemptor.start(p.victim, `task ${p.forTask.taskId} with priority ${p.forTask.priority} waits`));
    for (const t of plan.dispatch) sends.push(this.#dispatch(t));
    return { plan, done: this.#track(Promise.all(sends)) };
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    p.catch((err: unknown) => this.#logger.error({ err }, "scheduler round failed")).finally(() =>
      this.#inflight.delete(p),
    );
    return p;
  }

  async #dispatch(queued: TaskRecord): Promise<void> {
    let activityError = "";
    try {
      this.activity.open(queued, this.#clock.now());
    } catch (err) {
      // Advisory (spec §10): a full buffer rejects the entry, never the task.
      activityError = err instanceof Error ? err.message : String(err);
      this.#logger.warn(
        { taskId: queued.taskId, agentId: queued.agentId, code: "activity_buffer_full" },
        activityError,
      );
    }
    const cmd = this.#control.prepare(
      queued.agentId,
      {
        command: "RUN",
        task_id: queued.taskId,
        priority: queued.priority,
        scope: queued.scope,
        params_content_type: queued.paramsContentType,
        params_b64: Buffer.from(queued.params).toString("base64"),
      },
      queued,
    );
    this.#table.update(queued, "DISPATCHED", `RUN sent (message ${cmd.messageId})`, {
      runMessageId: cmd.messageId,
      attempts: queued.attempts + 1,
      preemptDeadlineMs: undefined,
      preemptReason: "",
      nonPreemptibleUntilMs: undefined,
      activityError,
    });
    const failure = await cmd.submit();
    if (failure !== undefined) this.#requeue(queued.taskId, cmd.messageId, `router refused RUN: ${failure}`);
  }

  /** Puts an un-started RUN back in the queue (router refusal, TIMED_OUT, restart), within the attempt budget. */
  #requeue(taskId: string, runMessageId: string, why: string): void {
    const task = this.#table.get(taskId);
    if (!task || task.runMessageId !== runMessageId || !ACTIVE_STATUSES.has(task.status)) return;
    if (task.attempts - task.preemptions >= this.#o.maxAttempts) {
      this.#finish(task, "FAILED", "dispatch_failed", `${why} (after ${task.attempts} attempts)`);
      return;
    }
    this.#preemptor.cancel(taskId);
    this.activity.close(taskId, this.#clock.now());
    this.#table.update(task, "QUEUED", why, { runMessageId: "", preemptDeadlineMs: undefined, preemptReason: "" });
    this.#retryTimer?.cancel();
    this.#retryTimer = this.#clock.setTimer(this.#o.dispatchRetryMs, () => this.kick());
  }

  // ---- ACKs and notifications -------------------------------------------------------------------

  /** Applies an ACKNOWLEDGEMENT addressed to `sw4rm-scheduler` (spec §11). */
  async handleAck(envelope: Envelope): Promise<void> {
    let ack: ReturnType<typeof parseAck>;
    try {
      ack = parseAck(envelope);
    } catch (err) {
      this.#logger.warn({ err, messageId: envelope.messageId }, "ignoring malformed ACK to the scheduler");
      return;
    }
    const control = this.store.getControl(ack.ackForMessageId);
    if (!control) {
      this.#logger.debug({ ackFor: ack.ackForMessageId }, "ACK for a message the scheduler did not send");
      return;
    }
    const task = this.#table.get(control.taskId);
    const declared = task && declaredNonPreemptibleMs(ack);
    if (task && declared !== undefined) this.#preemptor.declare(task.taskId, declared);
    const action = ackAction({ ack, from: envelope.producerId, control, task: this.#table.get(control.taskId) });
    const current = this.#table.get(control.taskId);
    switch (action.kind) {
      case "ignore":
        this.#logger.debug({ taskId: control.taskId, why: action.why }, "ACK ignored");
        return;
      case "log":
        this.#logger.info({ agentId: control.agentId, taskId: control.taskId }, action.what);
        return;
      case "running":
        if (current) this.#table.update(current, "RUNNING", "agent ACKed READ");
        return;
      case "done":
        if (current) this.#finish(current, "DONE", "", "agent ACKed FULFILLED");
        break;
      case "yielded":
        if (current) this.#yielded(current);
        break;
      case "failed":
        if (current) this.#finish(current, "FAILED", action.code, action.note);
        break;
      case "requeue":
        if (current) this.#requeue(current.taskId, current.runMessageId, action.why);
        break;
    }
    await this.#round().done;
  }

  /** NOTIFICATIONs to the scheduler: {"event":"non_preemptible","task_id","max_ms"} (spec §7.2). */
  handleNotification(envelope: Envelope): void {
    const notice = nonPreemptibleFromNotification(envelope);
    if (notice) this.#preemptor.declare(notice.taskId, notice.maxMs);
  }

  // ---- preemption (spec §7.1–7.2) ------------------------------------------------------------------

  /** RequestPreemption: true when a preemption was started or is already pending. */
  async requestPreemption(agentId: string, taskId: string, reason: string): Promise<boolean> {
    const task = this.#table.get(taskId);
    if (!task || !ACTIVE_STATUSES.has(task.status) || (agentId !== "" && task.agentId !== agentId)) return false;
    if (task.preemptDeadlineMs === undefined)
      await this.#track(this.#preemptor.start(task, reason || "preemption requested"));
    return true;
  }

  #yielded(task: TaskRecord): void {
    this.#preemptor.cancel(task.taskId);
    this.activity.close(task.taskId, this.#clock.now());
    // Keeps submittedAtMs and seq: the yielded task resumes its place in the queue (spec §7.1).
    this.#table.update(task, "QUEUED", "yielded at a safe point; re-queued", {
      runMessageId: "",
      preemptDeadlineMs: undefined,
      preemptReason: "",
      nonPreemptibleUntilMs: undefined,
      preemptions: task.preemptions + 1,
    });
  }

  // ---- shutdown (spec §8.4) -------------------------------------------------------------------------

  async shutdownAgent(agentId: string, graceMs: number | undefined): Promise<void> {
    const grace = graceMs ?? this.#o.defaultShutdownGraceMs;
    const reason = `ShutdownAgent: drain within ${grace} ms`;
    if (!this.shutdowns.begin(agentId, grace, reason)) return; // idempotent (doc §1.10)
    const failure = await this.#track(
      this.#control.prepare(agentId, { command: "SHUTDOWN", grace_ms: grace, reason }).submit(),
    );
    if (failure !== undefined) this.#logger.warn({ agentId, failure }, "SHUTDOWN not delivered");
  }

  #shutdownExpired(agentId: string, graceMs: number): void {
    for (const task of this.#table.values())
      if (task.agentId === agentId && ACTIVE_STATUSES.has(task.status))
        this.#finish(task, "FAILED", "agent_shutdown_timeout", `still running after the ${graceMs} ms shutdown grace`);
  }

  // ---- transitions --------------------------------------------------------------------------------

  #finish(task: TaskRecord, to: "DONE" | "FAILED", code: string, note: string): void {
    this.#preemptor.cancel(task.taskId);
    const now = this.#clock.now();
    this.activity.close(task.taskId, now);
    this.#table.update(task, to, code ? `${code}: ${note}` : note, {
      errorCode: code,
      errorNote: note,
      finishedAtMs: now,
      preemptDeadlineMs: undefined,
    });
  }

  onEvent(listener: (event: SchedulerEvent) => void): () => void {
    return this.#table.onEvent(listener);
  }

  /** Restart: unfinished tasks come back; one that was dispatched or running is sent again. */
  #recover(): void {
    for (const task of this.store.listTasks({ status: ["QUEUED", "DISPATCHED", "RUNNING"] })) {
      this.#table.load(task);
      if (ACTIVE_STATUSES.has(task.status))
        this.#requeue(task.taskId, task.runMessageId, `server restarted while ${task.status}; will re-dispatch`);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.watch.close();
    this.shutdowns.close();
    this.#retryTimer?.cancel();
    this.#preemptor.close();
    await this.settled();
  }
}
