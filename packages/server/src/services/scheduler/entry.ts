/** Catalog entry of the scheduler (SchedulerService, port 50053). */
import { type CatalogEntry, schema } from "../entry.js";
import { registerSchedulerCommands } from "./cli.js";

const ms = (description: string) => schema.int(0, description);

const options = schema.object(
  {
    maxParallelInstances: schema.int(1, "Default max_parallel_instances per agent (spec §9.1; default 1)"),
    maxParallelByAgent: schema.map({ type: "integer", minimum: 1 }, "Per-agent overrides of maxParallelInstances"),
    preemptGraceMs: ms("How long an agent has to yield after PREEMPT_REQUEST (spec §7.2; default 5000)"),
    terminateGraceMs: ms("grace_ms sent in TERMINATE (default 3000)"),
    maxNonPreemptibleMs: ms("Upper bound honoured for a declared non-preemptible section (default 60000)"),
    defaultShutdownGraceMs: ms("ShutdownAgent grace when the request has none (default 30000)"),
    dedupWindowMs: ms("How long finished tasks are kept for duplicate detection (default 3600000)"),
    maxAttempts: schema.int(1, "RUN attempts before a task fails (default 5)"),
    dispatchRetryMs: ms("Delay before retrying a dispatch the router refused (default 1000)"),
    stateTimeoutsMs: schema.map({ type: "integer", minimum: 0 }, "Agent state timeouts in ms by state name (spec §8.3)"),
    activity: schema.object(
      {
        maxActive: schema.int(1, "Active activity-buffer entries per scheduler (spec §10.1; default 10000)"),
        maxActivePerAgent: schema.int(1, "Active entries per agent (default 100)"),
        historyLimit: schema.int(0, "Completed entries kept as short history"),
      },
      "Activity buffer limits",
    ),
  },
  "Scheduler tunables",
);

export const schedulerEntry: CatalogEntry = {
  name: "scheduler",
  description: "Priority queue, cooperative then forced preemption, shutdown grace, scope conflicts, activity buffer",
  serves: ["scheduler"],
  settings: { options },
  adminPaths: ["/v1/tasks"],
  cli: registerSchedulerCommands,
  load: async () => (await import("./module.js")).schedulerModule,
};
