/** Records and options of the scheduler (spec §7–§10, doc §1.10–§1.13); its store is in store.ts. */

/**
 * Where a task is. DISPATCHED = RUN CONTROL sent, no READ ACK yet; RUNNING = the agent ACKed READ.
 * DISPATCHED and RUNNING both occupy one of the agent's `max_parallel_instances` slots.
 */
export type TaskStatus = "QUEUED" | "DISPATCHED" | "RUNNING" | "DONE" | "FAILED";

export const ACTIVE_STATUSES: ReadonlySet<TaskStatus> = new Set(["DISPATCHED", "RUNNING"]);
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(["DONE", "FAILED"]);

export interface TaskRecord {
  readonly taskId: string;
  readonly agentId: string;
  /** -19 (highest) .. 20 (lowest), spec §7.1. */
  readonly priority: number;
  readonly scope: string;
  readonly params: Uint8Array;
  readonly paramsContentType: string;
  /** Kept across every CONTROL envelope of this task (spec §11.3). */
  readonly correlationId: string;
  readonly status: TaskStatus;
  /** Submission order; the FIFO tie-breaker within a priority survives re-queueing. */
  readonly seq: number;
  readonly submittedAtMs: number;
  readonly updatedAtMs: number;
  /** RUN commands sent so far (a restart or a yield leads to another). */
  readonly attempts: number;
  /** message_id of the current RUN CONTROL envelope; "" while queued. */
  readonly runMessageId: string;
  /** Set while a cooperative preemption is pending (spec §7.2). */
  readonly preemptDeadlineMs: number | undefined;
  readonly preemptReason: string;
  /** End of a declared non-preemptible section (spec §7.2), already capped by the scheduler's bound. */
  readonly nonPreemptibleUntilMs: number | undefined;
  readonly preemptions: number;
  /** Failure code: an ErrorCode name (FORCED_PREEMPTION) or a spec string (`agent_shutdown_timeout`). */
  readonly errorCode: string;
  readonly errorNote: string;
  /** Set when the activity entry could not be created (`activity_buffer_full`, advisory). */
  readonly activityError: string;
  readonly finishedAtMs: number | undefined;
}

export type ControlCommand = "RUN" | "PREEMPT_REQUEST" | "TERMINATE" | "SHUTDOWN";

/** One CONTROL envelope we sent: its message_id → what it was about (ACKs carry only the id). */
export interface ControlRecord {
  readonly messageId: string;
  readonly command: ControlCommand;
  readonly agentId: string;
  /** "" for SHUTDOWN. */
  readonly taskId: string;
  readonly sentAtMs: number;
}

/** An activity-buffer entry (spec §10, doc §1.13). `active` = its task has not finished. */
export interface ActivityRecord {
  readonly taskId: string;
  readonly agentId: string;
  readonly repoId: string;
  readonly worktreeId: string;
  readonly branch: string;
  readonly description: string;
  readonly timestampMs: number;
  readonly active: boolean;
  readonly completedAtMs: number | undefined;
}

/** A pending ShutdownAgent (spec §8.4), durable so a restart keeps refusing work for the agent. */
export interface ShutdownRecord {
  readonly agentId: string;
  readonly requestedAtMs: number;
  readonly deadlineMs: number;
  readonly reason: string;
}

export interface TaskFilter {
  readonly agentId?: string;
  readonly status?: TaskStatus | readonly TaskStatus[];
}

export interface ActivityLimits {
  /** Active entries per scheduler (spec §10.1 SHOULD default 10,000). */
  readonly maxActive?: number;
  /** Active entries per agent (spec §10.1 RECOMMENDED 100). */
  readonly maxActivePerAgent?: number;
  /** Completed entries kept as short history (oldest evicted first). */
  readonly historyLimit?: number;
}

export interface SchedulerOptions {
  /** Default `max_parallel_instances` per agent (spec §9.1). Default 1. */
  readonly maxParallelInstances?: number;
  /** Per-agent overrides of `maxParallelInstances`, by agent id. */
  readonly maxParallelByAgent?: Readonly<Record<string, number>>;
  /** How long an agent has to yield after PREEMPT_REQUEST (spec §7.2). Default 5000. */
  readonly preemptGraceMs?: number;
  /** grace_ms sent in TERMINATE. Default 3000 (the spec's example value). */
  readonly terminateGraceMs?: number;
  /** Upper bound honoured for a declared non-preemptible section. Default 60000. */
  readonly maxNonPreemptibleMs?: number;
  /** ShutdownAgent grace when the request has none. Default 30000 (SHUTTING_DOWN timeout, spec §8.3). */
  readonly defaultShutdownGraceMs?: number;
  /** How long finished tasks are kept for duplicate detection (spec §11.2). Default 3600000. */
  readonly dedupWindowMs?: number;
  /** RUN attempts (restarts, transient router refusals) before a task fails. Default 5. */
  readonly maxAttempts?: number;
  /** Delay before retrying a dispatch the router refused. Default 1000. */
  readonly dispatchRetryMs?: number;
  /** Agent state timeouts (spec §8.3) in ms by state name; defaults from AGENT_STATE_TIMEOUTS. */
  readonly stateTimeoutsMs?: Readonly<Partial<Record<string, number>>>;
  readonly activity?: ActivityLimits;
}

/** Observable scheduler events (spec §19: every transition is logged, and also published here). */
export type SchedulerEvent =
  | {
      readonly type: "task";
      readonly taskId: string;
      readonly agentId: string;
      readonly from: TaskStatus | "NEW";
      readonly to: TaskStatus;
      readonly detail: string;
    }
  | {
      readonly type: "agent_state_timeout";
      readonly agentId: string;
      readonly state: string;
      readonly code: string;
      readonly atMs: number;
    };
