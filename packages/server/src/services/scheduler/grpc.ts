/** SchedulerService handlers (doc §2.4) over the Scheduler; the call pipeline maps errors and storage failures. */
import { type Duration, isoFromMs, type SchedulerServiceService, validationError } from "@sw4rm/protocol";
import type { ServiceHandlers } from "../../grpc/handlers.js";
import { purgeProblem } from "./activityBuffer.js";
import type { Scheduler } from "./engine.js";
import { shutdownRequestProblem } from "./shutdownRequest.js";

/** Duration → ms; undefined when absent or zero, so the configured default applies. */
export function durationMs(d: Duration | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
  return ms > 0 ? ms : undefined;
}

export function schedulerHandlers(scheduler: Scheduler): ServiceHandlers<typeof SchedulerServiceService> {
  return {
    submitTask: (request) => scheduler.submit(request),
    async requestPreemption({ agentId, taskId, reason }) {
      return { enqueued: await scheduler.requestPreemption(agentId, taskId, reason) };
    },
    async shutdownAgent(request) {
      const bad = shutdownRequestProblem(request);
      if (bad) throw bad;
      await scheduler.shutdownAgent(request.agentId, durationMs(request.gracePeriod));
      return { ok: true };
    },
    async pollActivityBuffer({ agentId }) {
      const polled = await scheduler.pollActivity(agentId);
      return {
        entries: polled.map((e) => ({
          taskId: e.taskId,
          repoId: e.repoId,
          worktreeId: e.worktreeId,
          branch: e.branch,
          description: e.description,
          timestamp: isoFromMs(e.timestampMs),
        })),
      };
    },
    async purgeActivity({ agentId, taskIds }) {
      const tooMany = purgeProblem(taskIds);
      if (tooMany) throw validationError("task_ids", tooMany);
      return { purged: await scheduler.purgeActivity(agentId, taskIds) };
    },
  };
}
