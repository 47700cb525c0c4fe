/**
 * The scheduler's behaviour (spec §7–§10): the queue, dispatch, ACK handling, preemption and
 * shutdown. Unfinished tasks, activity entries and pending shutdowns live in memory; every call, ACK
 * and timer runs as one serialized step whose changes are committed to the store in one call before
 * its answer, events or CONTROL envelopes go out (see stepRunner.ts).
 */
import { type Clock, type Envelope, parseAck, type SubmitTaskRequest, type TimerHandle } from "@sw4rm/protocol";
import type { AgentDirectory, Logger, RouterIngress } from "../../contracts.js";
import { ackAction, declaredNonPreemptibleMs } from "./ackAction.js";
import { ActivityBuffer, resolveActivityLimits } from "./activityBuffer.js";
import { AgentWatch, type AgentTimeout } from "./agentWatch.js";
import { nonPreemptibleFromNotification, type SchedulerCommandBody } from "./commands.js";
import { ControlSender } from "./controlSender.js";
import { type ResolvedOptions, resolveOptions } from "./options.js";
import { type Plan, planRound } from "./planner.js";
import { Preemptor, type StagedCommand } from "./preemption.js";
import { ShutdownTracker } from "./shutdowns.js";
import type { SchedulerStep } from "./step.js";
import { type StepOutcome, StepRunner } from "./stepRunner.js";
import type { SchedulerSnapshot, SchedulerStore } from "./store.js";
import { duplicateReason, newTask, validateSubmission } from "./submission.js";
import { TaskTable } from "./taskTable.js";
import {
  ACTIVE_STATUSES,
  type ActivityRecord,
  type SchedulerEvent,
  type SchedulerOptions,
  type ShutdownRecord,
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

type Submission =
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "accepted"; readonly task: TaskRecord; readonly plan: Plan };

export class Scheduler {
  readonly #store: SchedulerStore;
  readonly #o: ResolvedOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #steps: StepRunner;
  readonly #control: ControlSender;
  readonly #table: TaskTable;
  readonly #activity: ActivityBuffer;
  readonly #shutdowns: ShutdownTracker;
  readonly #preemptor: Preemptor;
  readonly #watch: AgentWatch;
  #retryTimer: TimerHandle | undefined;
  #seq: number;
  #closed = false;

  /** Resumes from the store: unfinished tasks come back, and one that was dispatched or running is queued again. */
  static async open(deps: SchedulerDeps): Promise<Scheduler> {
    const snapshot = await deps.store.load();
    const scheduler = new Scheduler(deps, snapshot);
    try {
      const recovered = await scheduler.#steps.run((step) => {
        for (const task of snapshot.tasks) {
          if (!ACTIVE_STATUSES.has(task.status)) continue;
          const why = `server restarted while ${task.status}; will re-dispatch`;
          scheduler.#requeue(step, task.taskId, task.runMessageId, why);
        }
      });
      await recovered.done;
    } catch (err) {
      // Nothing may keep running (timers, directory subscription) for a scheduler that did not start.
      await scheduler.close();
      throw err;
    }
    return scheduler;
  }

  private constructor(deps: SchedulerDeps, snapshot: SchedulerSnapshot) {
    this.#store = deps.store;
    this.#o = resolveOptions(deps.options);
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#steps = new StepRunner(deps.store, deps.logger);
    this.#table = new TaskTable(deps.clock, deps.logger);
    for (const task of snapshot.tasks) this.#table.load(task);
    this.#activity = new ActivityBuffer(resolveActivityLimits(deps.options?.activity), deps.logger);
    this.#activity.load(snapshot.activity);
    this.#control = new ControlSender(deps.ingress, deps.clock, (taskId) => this.#activity.get(taskId));
    this.#seq = snapshot.maxSeq;
    this.#preemptor = new Preemptor({
      table: this.#table,
      command: (step, agentId, body, task) => this.#command(step, agentId, body, task),
      clock: deps.clock,
      logger: deps.logger,
      options: this.#o,
      fail: (step, task, code, note) => this.#finish(step, task, "FAILED", code, note),
      onDeadline: (taskId) =>
        this.#background(
          this.#steps.run((step) => {
            if (this.#preemptor.force(step, taskId)) this.#round(step);
          }),
        ),
    });
    this.#shutdowns = new ShutdownTracker({
      records: snapshot.shutdowns,
      clock: deps.clock,
      logger: deps.logger,
      onDeadline: (agentId, graceMs) => this.#shutdownExpired(agentId, graceMs),
    });
    this.#watch = new AgentWatch({
      directory: deps.directory,
      clock: deps.clock,
      logger: deps.logger,
      timeoutsMs: this.#o.stateTimeoutsMs,
      onChange: (change) => {
        // A re-registration after a shutdown is a new life of the agent: it may take work again.
        if (change?.kind !== "joined") return this.kick();
        const agentId = change.agent.descriptor.agentId;
        this.#background(
          this.#steps.run((step) => {
            this.#shutdowns.clear(step, agentId);
            this.#round(step);
          }),
        );
      },
      onEvent: (event) => this.#table.emit(event),
    });
  }

  // ---- submission -------------------------------------------------------------------------------

  /** SubmitTask (spec §7.1, §9.1, §9.2, §11.2): answers once the task is committed and its dispatch sent. */
  async submit(req: SubmitTaskRequest): Promise<SubmitOutcome> {
    const refused = validateSubmission(req);
    if (refused) return { accepted: false, reason: refused };
    const { value, done } = await this.#steps.run(async (step): Promise<Submission> => {
      const now = this.#clock.now();
      await this.#store.pruneFinished(now, this.#o.dedupWindowMs);
      const duplicate = duplicateReason(this.#table.get(req.taskId) ?? (await this.#store.getTask(req.taskId)));
      if (duplicate) return { kind: "refused", reason: duplicate };
      if (this.#shutdowns.get(req.agentId))
        return { kind: "refused", reason: `agent ${req.agentId} is shutting down (spec §8.4: no new tasks)` };
      const task = newTask(req, ++this.#seq, now);
      this.#table.set(step, task, "NEW", `submitted with priority ${task.priority}, scope "${task.scope}"`);
      return { kind: "accepted", task, plan: this.#round(step) };
    });
    await done;
    if (value.kind === "refused") return { accepted: false, reason: value.reason };
    const { task, plan } = value;
    // Read once the RUN went out (or was refused and the task re-queued).
    return this.#steps.read(() => {
      const current = this.#table.get(task.taskId);
      // Accepted and waiting: tell the requester why (spec §9.1); dispatched: "" or the activity warning.
      const reason =
        current?.status === "QUEUED"
          ? (plan.waiting.get(task.taskId) ?? "queued: dispatch will be retried")
          : current?.activityError || "";
      return { accepted: true, reason };
    });
  }

  // ---- scheduling round ---------------------------------------------------------------------------

  /** Re-evaluates the queue in the background (directory changes, timers). */
  kick(): void {
    if (this.#closed) return;
    this.#background(this.#steps.run((step) => void this.#round(step)));
  }

  /** Resolves once every step and CONTROL send started so far has completed (tests, shutdown). */
  settled(): Promise<void> {
    return this.#steps.settled();
  }

  #round(step: SchedulerStep): Plan {
    const plan = planRound({
      tasks: this.#table.values(),
      agentBlock: (id) => this.#watch.blockReason(id) ?? this.#shutdowns.blockReason(id),
      limitFor: (id) => this.#o.maxParallelByAgent[id] ?? this.#o.maxParallelInstances,
    });
    if (this.#closed) return plan;
    for (const p of plan.preempt)
      this.#preemptor.start(step, p.victim, `task ${p.forTask.taskId} with priority ${p.forTask.priority} waits`);
    for (const t of plan.dispatch) this.#dispatch(step, t);
    return plan;
  }

  /** Logs the failure of a step nobody awaits (timers, directory changes, the sends it started). */
  #background(outcome: Promise<StepOutcome<unknown>>): void {
    outcome
      .then((o) => o.done)
      .catch((err: unknown) => this.#logger.error({ err }, "scheduler round failed"));
  }

  /** Stages the command's record in `step`; `send` submits it to the router once the step is durable. */
  #command(step: SchedulerStep, agentId: string, body: SchedulerCommandBody, task?: TaskRecord): StagedCommand {
    const cmd = this.#control.prepare(agentId, body, task);
    step.putControl(cmd.record);
    return {
      messageId: cmd.messageId,
      send: (onRefused) =>
        step.afterCommit(() =>
          this.#steps.track(
            cmd.submit().then((failure) => (failure === undefined ? undefined : onRefused?.(failure))),
          ),
        ),
    };
  }

  #dispatch(step: SchedulerStep, queued: TaskRecord): void {
    let activityError = "";
    try {
      this.#activity.open(step, queued, this.#clock.now());
    } catch (err) {
      // Advisory (spec §10): a full buffer rejects the entry, never the task.
      activityError = err instanceof Error ? err.message : String(err);
      this.#logger.warn(
        { task_id: queued.taskId, agent_id: queued.agentId, code: "activity_buffer_full" },
        activityError,
      );
    }
    const cmd = this.#command(
      step,
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
    this.#table.update(step, queued, "DISPATCHED", `RUN sent (message ${cmd.messageId})`, {
      runMessageId: cmd.messageId,
      attempts: queued.attempts + 1,
      preemptDeadlineMs: undefined,
      preemptReason: "",
      nonPreemptibleUntilMs: undefined,
      activityError,
    });
    cmd.send((failure) =>
      this.#steps
        .run((s) => this.#requeue(s, queued.taskId, cmd.messageId, `router refused RUN: ${failure}`))
        .then((o) => o.done),
    );
  }

  /** Puts an un-started RUN back in the queue (router refusal, TIMED_OUT, restart), within the attempt budget. */
  #requeue(step: SchedulerStep, taskId: string, runMessageId: string, why: string): void {
    const task = this.#table.get(taskId);
    if (!task || task.runMessageId !== runMessageId || !ACTIVE_STATUSES.has(task.status)) return;
    if (task.attempts - task.preemptions >= this.#o.maxAttempts) {
      this.#finish(step, task, "FAILED", "dispatch_failed", `${why} (after ${task.attempts} attempts)`);
      return;
    }
    this.#preemptor.cancel(step, taskId);
    this.#activity.close(step, taskId, this.#clock.now());
    const cleared = { runMessageId: "", preemptDeadlineMs: undefined, preemptReason: "" };
    this.#table.update(step, task, "QUEUED", why, cleared);
    step.afterCommit(() => {
      this.#retryTimer?.cancel();
      if (!this.#closed) this.#retryTimer = this.#clock.setTimer(this.#o.dispatchRetryMs, () => this.kick());
    });
  }

  // ---- ACKs and notifications -------------------------------------------------------------------

  /** Applies an ACKNOWLEDGEMENT addressed to `sw4rm-scheduler` (spec §11). */
  async handleAck(envelope: Envelope): Promise<void> {
    let ack: ReturnType<typeof parseAck>;
    try {
      ack = parseAck(envelope);
    } catch (err) {
      this.#logger.warn({ err, message_id: envelope.messageId }, "ignoring malformed ACK to the scheduler");
      return;
    }
    const { done } = await this.#steps.run(async (step) => {
      const control = await this.#store.getControl(ack.ackForMessageId);
      if (!control) {
        this.#logger.debug({ ack_for: ack.ackForMessageId }, "ACK for a message the scheduler did not send");
        return;
      }
      const task = this.#table.get(control.taskId);
      const declared = task && declaredNonPreemptibleMs(ack);
      if (task && declared !== undefined) this.#preemptor.declare(step, task.taskId, declared);
      const current = this.#table.get(control.taskId);
      const action = ackAction({ ack, from: envelope.producerId, control, task: current });
      switch (action.kind) {
        case "ignore":
          this.#logger.debug({ task_id: control.taskId, why: action.why }, "ACK ignored");
          return;
        case "log":
          this.#logger.info({ agent_id: control.agentId, task_id: control.taskId }, action.what);
          return;
        case "running":
          if (current) this.#table.update(step, current, "RUNNING", "agent ACKed READ");
          return;
        case "done":
          if (current) this.#finish(step, current, "DONE", "", "agent ACKed FULFILLED");
          break;
        case "yielded":
          if (current) this.#yielded(step, current);
          break;
        case "failed":
          if (current) this.#finish(step, current, "FAILED", action.code, action.note);
          break;
        case "requeue":
          if (current) this.#requeue(step, current.taskId, current.runMessageId, action.why);
          break;
      }
      this.#round(step);
    });
    await done;
  }

  /** NOTIFICATIONs to the scheduler: {"event":"non_preemptible","task_id","max_ms"} (spec §7.2). */
  async handleNotification(envelope: Envelope): Promise<void> {
    const notice = nonPreemptibleFromNotification(envelope);
    if (!notice) return;
    await this.#steps.run((step) => this.#preemptor.declare(step, notice.taskId, notice.maxMs));
  }

  // ---- preemption (spec §7.1–7.2) ------------------------------------------------------------------

  /** RequestPreemption: true when a preemption was started or is already pending. */
  async requestPreemption(agentId: string, taskId: string, reason: string): Promise<boolean> {
    const { value, done } = await this.#steps.run((step) => {
      const task = this.#table.get(taskId);
      if (!task || !ACTIVE_STATUSES.has(task.status) || (agentId !== "" && task.agentId !== agentId)) return false;
      if (task.preemptDeadlineMs === undefined) this.#preemptor.start(step, task, reason || "preemption requested");
      return true;
    });
    await done;
    return value;
  }

  #yielded(step: SchedulerStep, task: TaskRecord): void {
    this.#preemptor.cancel(step, task.taskId);
    this.#activity.close(step, task.taskId, this.#clock.now());
    // Keeps submittedAtMs and seq: the yielded task resumes its place in the queue (spec §7.1).
    this.#table.update(step, task, "QUEUED", "yielded at a safe point; re-queued", {
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
    const { done } = await this.#steps.run((step) => {
      if (!this.#shutdowns.begin(step, agentId, grace, reason)) return; // idempotent (doc §1.10)
      this.#command(step, agentId, { command: "SHUTDOWN", grace_ms: grace, reason }).send((failure) =>
        this.#logger.warn({ agent_id: agentId, failure }, "SHUTDOWN not delivered"),
      );
    });
    await done;
  }

  #shutdownExpired(agentId: string, graceMs: number): void {
    this.#background(
      this.#steps.run((step) => {
        // The agent registered again (clearing the shutdown) while this timer fired.
        if (!this.#shutdowns.get(agentId)) return;
        for (const task of this.#table.values())
          if (task.agentId === agentId && ACTIVE_STATUSES.has(task.status))
            this.#finish(
              step,
              task,
              "FAILED",
              "agent_shutdown_timeout",
              `still running after the ${graceMs} ms shutdown grace`,
            );
      }),
    );
  }

  // ---- activity buffer (spec §10) -------------------------------------------------------------------

  /** PollActivityBuffer: the agent's entries, oldest first. */
  pollActivity(agentId: string): Promise<ActivityRecord[]> {
    return this.#steps.read(() => this.#activity.poll(agentId));
  }

  /** PurgeActivity: deletes finished entries (all of the agent's when `taskIds` is empty); resolves with the count. */
  async purgeActivity(agentId: string, taskIds: readonly string[]): Promise<number> {
    return (await this.#steps.run((step) => this.#activity.purge(step, agentId, taskIds))).value;
  }

  // ---- transitions and views ------------------------------------------------------------------------

  #finish(step: SchedulerStep, task: TaskRecord, to: "DONE" | "FAILED", code: string, note: string): void {
    this.#preemptor.cancel(step, task.taskId);
    const now = this.#clock.now();
    this.#activity.close(step, task.taskId, now);
    this.#table.update(step, task, to, code ? `${code}: ${note}` : note, {
      errorCode: code,
      errorNote: note,
      finishedAtMs: now,
      preemptDeadlineMs: undefined,
    });
  }

  onEvent(listener: (event: SchedulerEvent) => void): () => void {
    return this.#table.onEvent(listener);
  }

  /** Agents that overstayed a §8.3 state timeout and get no work until their state changes. */
  agentTimeouts(): AgentTimeout[] {
    return this.#watch.timeouts();
  }

  /** Pending ShutdownAgent requests. */
  pendingShutdowns(): Promise<ShutdownRecord[]> {
    return this.#steps.read(() => this.#shutdowns.list());
  }

  /** Stops timers and waits for the steps and sends in progress; the store stays open (its owner closes it). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#watch.close();
    this.#shutdowns.close();
    this.#retryTimer?.cancel();
    this.#preemptor.close();
    await this.settled();
  }
}
