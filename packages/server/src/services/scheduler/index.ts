/**
 * Scheduler component factory (spec §7–§10): durable priority queue, cooperative preemption,
 * shutdown, the activity buffer and SchedulerService. Dispatches tasks as CONTROL envelopes through
 * the router's ingress (see commands.ts for the JSON bodies) and follows them by the agents' ACKs,
 * which the composition passes to `handleAck`.
 */
import { type Envelope, SchedulerServiceService } from "@sw4rm/protocol";
import type { ServiceHandlers } from "../../grpc/handlers.js";
import type { AgentDirectory, RouterIngress, ServiceContext } from "../../contracts.js";
import type { AgentTimeout } from "./agentWatch.js";
import { Scheduler } from "./engine.js";
import { schedulerHandlers } from "./grpc.js";
import type { SchedulerStore } from "./store.js";
import type { SchedulerEvent, SchedulerOptions, ShutdownRecord, TaskFilter, TaskRecord } from "./types.js";

export { ACTIVITY_BUFFER_FULL, ActivityBuffer, activityFieldsFromParams, limitWords } from "./activityBuffer.js";
export type { AgentTimeout } from "./agentWatch.js";
export type {
  PreemptRequestCommand,
  RunCommand,
  SchedulerCommandBody,
  ShutdownCommand,
  TerminateCommand,
} from "./commands.js";
export {
  commandEnvelope,
  isYieldNote,
  nonPreemptibleFromNote,
  nonPreemptibleFromNotification,
  parseCommand,
  SCHEDULER_AGENT_ID,
} from "./commands.js";
export { Scheduler } from "./engine.js";
export { compareQueueOrder, planRound } from "./planner.js";
export { normalizeScope, scopesOverlap, WILDCARD_SCOPE } from "./scope.js";
export { SCHEDULER_SCHEMA_VERSION, SqliteSchedulerStore } from "./sqliteStore.js";
export type { SchedulerChanges, SchedulerSnapshot, SchedulerStore } from "./store.js";
export { MemorySchedulerStore } from "./store.js";
export type {
  ActivityLimits,
  ActivityRecord,
  ControlCommand,
  ControlRecord,
  SchedulerEvent,
  SchedulerOptions,
  ShutdownRecord,
  TaskFilter,
  TaskRecord,
  TaskStatus,
} from "./types.js";

/** The SQLite backend's file name in the data directory. */
export const SCHEDULER_DB_FILE = "scheduler.db";

export interface CreateSchedulerOptions extends ServiceContext {
  /** The durable record of tasks; whoever opened it closes it (after `close()`). */
  readonly store: SchedulerStore;
  readonly ingress: RouterIngress;
  readonly directory: AgentDirectory;
  readonly options?: SchedulerOptions;
}

/** A task as the admin view shows it: the record without its params bytes. */
export type TaskView = Omit<TaskRecord, "params"> & { readonly paramsBytes: number };

export interface SchedulerAdmin {
  /** Committed tasks, finished ones included, in queue order. */
  tasks(filter?: TaskFilter): Promise<TaskView[]>;
  task(taskId: string): Promise<TaskView | undefined>;
  /** Agents that overstayed a §8.3 state timeout and get no work until their state changes. */
  agentTimeouts(): AgentTimeout[];
  shutdowns(): Promise<ShutdownRecord[]>;
}

export interface SchedulerComponent {
  /** SchedulerService, bound through the call pipeline (definition + handlers). */
  readonly definition: typeof SchedulerServiceService;
  readonly handlers: ServiceHandlers<typeof SchedulerServiceService>;
  /** Every ACKNOWLEDGEMENT addressed to `sw4rm-scheduler`. */
  handleAck(envelope: Envelope): Promise<void>;
  /** NOTIFICATIONs addressed to `sw4rm-scheduler` (non-preemptible declarations). */
  handleNotification(envelope: Envelope): Promise<void>;
  readonly admin: SchedulerAdmin;
  /** Subscribes to task transitions and agent state timeouts; returns an unsubscribe function. */
  onEvent(listener: (event: SchedulerEvent) => void): () => void;
  /** Resolves when every step and CONTROL send started so far has completed. */
  settled(): Promise<void>;
  /** Stops timers and waits for work in progress; does not close the store. */
  close(): Promise<void>;
}

function view(task: TaskRecord): TaskView {
  const { params, ...rest } = task;
  return { ...rest, paramsBytes: params.byteLength };
}

/** Resumes the scheduler from `store` (re-queueing what was dispatched) and builds the component around it. */
export async function createScheduler(opts: CreateSchedulerOptions): Promise<SchedulerComponent> {
  const { logger } = opts;
  const { store } = opts;
  const scheduler = await Scheduler.open({
    store,
    ingress: opts.ingress,
    directory: opts.directory,
    clock: opts.clock,
    logger,
    options: opts.options,
  });
  // Tasks recovered from the store may be dispatchable right away.
  scheduler.kick();
  return {
    definition: SchedulerServiceService,
    handlers: schedulerHandlers(scheduler),
    handleAck: (envelope) => scheduler.handleAck(envelope),
    handleNotification: (envelope) => scheduler.handleNotification(envelope),
    admin: {
      tasks: async (filter) => (await store.listTasks(filter)).map(view),
      task: async (taskId) => {
        const t = await store.getTask(taskId);
        return t && view(t);
      },
      agentTimeouts: () => scheduler.agentTimeouts(),
      shutdowns: () => scheduler.pendingShutdowns(),
    },
    onEvent: (listener) => scheduler.onEvent(listener),
    settled: () => scheduler.settled(),
    close: () => scheduler.close(),
  };
}
