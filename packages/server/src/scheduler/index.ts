/**
 * Scheduler component factory (spec §7–§10): durable priority queue, cooperative preemption,
 * shutdown, the activity buffer and SchedulerService. Dispatches tasks as CONTROL envelopes through
 * the router's ingress (see commands.ts for the JSON bodies) and follows them by the agents' ACKs,
 * which the composition passes to `handleAck`.
 */
import { join } from "node:path";
import type { Envelope, SchedulerServiceServer } from "@sw4rm/protocol";
import type { AgentDirectory, RouterIngress, ServiceContext } from "../contracts.js";
import type { AgentTimeout } from "./agentWatch.js";
import { rejectUndecodable, schedulerServiceDefinition } from "./definition.js";
import { Scheduler } from "./engine.js";
import { createSchedulerGrpc } from "./grpc.js";
import { SqliteSchedulerStore } from "./sqliteStore.js";
import type {
  SchedulerEvent,
  SchedulerOptions,
  SchedulerStore,
  ShutdownRecord,
  TaskFilter,
  TaskRecord,
} from "./types.js";

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
export { schedulerServiceDefinition } from "./definition.js";
export { Scheduler } from "./engine.js";
export { compareQueueOrder, planRound } from "./planner.js";
export { normalizeScope, scopesOverlap, WILDCARD_SCOPE } from "./scope.js";
export { SCHEDULER_SCHEMA_VERSION, SqliteSchedulerStore } from "./sqliteStore.js";
export type {
  ActivityLimits,
  ActivityRecord,
  ControlRecord,
  SchedulerEvent,
  SchedulerOptions,
  SchedulerStore,
  ShutdownRecord,
  TaskFilter,
  TaskRecord,
  TaskStatus,
} from "./types.js";

export const SCHEDULER_DB_FILE = "scheduler.db";

export interface CreateSchedulerOptions extends ServiceContext {
  /** Where scheduler.db lives; ignored when `store` is given. */
  readonly dataDir?: string;
  readonly store?: SchedulerStore;
  readonly ingress: RouterIngress;
  readonly directory: AgentDirectory;
  readonly options?: SchedulerOptions;
}

/** A task as the admin view shows it: the record without its params bytes. */
export type TaskView = Omit<TaskRecord, "params"> & { readonly paramsBytes: number };

export interface SchedulerAdmin {
  tasks(filter?: TaskFilter): TaskView[];
  task(taskId: string): TaskView | undefined;
  /** Agents that overstayed a §8.3 state timeout and get no work until their state changes. */
  agentTimeouts(): AgentTimeout[];
  shutdowns(): ShutdownRecord[];
}

export interface SchedulerComponent {
  readonly grpc: SchedulerServiceServer;
  /**
   * The definition to register `grpc` with (`server.addService(component.service, component.grpc)`):
   * undecodable requests then get INVALID_ARGUMENT instead of grpc-js's INTERNAL.
   */
  readonly service: typeof schedulerServiceDefinition;
  /** Every ACKNOWLEDGEMENT addressed to `sw4rm-scheduler`. */
  handleAck(envelope: Envelope): Promise<void>;
  /** NOTIFICATIONs addressed to `sw4rm-scheduler` (non-preemptible declarations). */
  handleNotification(envelope: Envelope): void;
  readonly admin: SchedulerAdmin;
  /** Subscribes to task transitions and agent state timeouts; returns an unsubscribe function. */
  onEvent(listener: (event: SchedulerEvent) => void): () => void;
  /** Resolves when every CONTROL send started so far has completed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

function view(task: TaskRecord): TaskView {
  const { params, ...rest } = task;
  return { ...rest, paramsBytes: params.byteLength };
}

export function createScheduler(opts: CreateSchedulerOptions): SchedulerComponent {
  const logger = opts.logger.child({ component: "scheduler" });
  const owned = opts.store === undefined;
  let store = opts.store;
  if (!store) {
    if (!opts.dataDir) throw new TypeError("createScheduler needs a dataDir or a store");
    store = new SqliteSchedulerStore(join(opts.dataDir, SCHEDULER_DB_FILE));
  }
  const scheduler = new Scheduler({
    store,
    ingress: opts.ingress,
    directory: opts.directory,
    clock: opts.clock,
    logger,
    options: opts.options,
  });
  // Tasks recovered from disk may be dispatchable right away.
  scheduler.kick();
  const s = store;
  return {
    grpc: rejectUndecodable(createSchedulerGrpc(scheduler, logger)),
    service: schedulerServiceDefinition,
    handleAck: (envelope) => scheduler.handleAck(envelope),
    handleNotification: (envelope) => scheduler.handleNotification(envelope),
    admin: {
      tasks: (filter) => s.listTasks(filter).map(view),
      task: (taskId) => {
        const t = s.getTask(taskId);
        return t && view(t);
      },
      agentTimeouts: () => scheduler.watch.timeouts(),
      shutdowns: () => scheduler.shutdowns.list(),
    },
    onEvent: (listener) => scheduler.onEvent(listener),
    settled: () => scheduler.settled(),
    async close() {
      await scheduler.close();
      if (owned) s.close();
    },
  };
}
