/** gRPC adapter: SchedulerService calls onto the Scheduler (doc §2.4). */
import {
  type Duration,
  isoFromMs,
  type SchedulerServiceServer,
  Sw4rmError,
  validationError,
} from "@sw4rm/protocol";
import type { Logger } from "../contracts.js";
import { storageFailure } from "../storage/storageErrors.js";
import { purgeProblem } from "./activityBuffer.js";
import type { Scheduler } from "./engine.js";
import { shutdownRequestProblem } from "./shutdownRequest.js";

const STORE = "the scheduler store (scheduler.db in the data directory)";

/**
 * Unexpected failures become gRPC errors carrying the exact ErrorCode; a store that cannot write (disk
 * full, I/O error, read-only) answers OVERLOADED / RESOURCE_EXHAUSTED saying what to do.
 */
function fault(logger: Logger, method: string, err: unknown) {
  logger.error({ err, method }, "scheduler call failed");
  const storage = storageFailure(err, { operation: `${method} failed, nothing was stored`, store: STORE });
  return (storage ?? Sw4rmError.from(err)).toServiceError();
}

/** Duration → ms; undefined when absent or zero, so the configured default applies. */
export function durationMs(d: Duration | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
  return ms > 0 ? ms : undefined;
}

export function createSchedulerGrpc(scheduler: Scheduler, logger: Logger): SchedulerServiceServer {
  return {
    submitTask(call, callback) {
      scheduler.submit(call.request).then(
        (r) => callback(null, r),
        (err: unknown) => callback(fault(logger, "SubmitTask", err)),
      );
    },
    requestPreemption(call, callback) {
      const { agentId, taskId, reason } = call.request;
      scheduler.requestPreemption(agentId, taskId, reason).then(
        (enqueued) => callback(null, { enqueued }),
        (err: unknown) => callback(fault(logger, "RequestPreemption", err)),
      );
    },
    shutdownAgent(call, callback) {
      const bad = shutdownRequestProblem(call.request);
      if (bad) return callback(bad.toServiceError());
      scheduler.shutdownAgent(call.request.agentId, durationMs(call.request.gracePeriod)).then(
        () => callback(null, { ok: true }),
        (err: unknown) => callback(fault(logger, "ShutdownAgent", err)),
      );
    },
    pollActivityBuffer(call, callback) {
      try {
        const entries = scheduler.activity.poll(call.request.agentId).map((e) => ({
          taskId: e.taskId,
          repoId: e.repoId,
          worktreeId: e.worktreeId,
          branch: e.branch,
          description: e.description,
          timestamp: isoFromMs(e.timestampMs),
        }));
        callback(null, { entries });
      } catch (err) {
        callback(fault(logger, "PollActivityBuffer", err));
      }
    },
    purgeActivity(call, callback) {
      const tooMany = purgeProblem(call.request.taskIds);
      if (tooMany) return callback(validationError("task_ids", tooMany).toServiceError());
      try {
        callback(null, { purged: scheduler.activity.purge(call.request.agentId, call.request.taskIds) });
      } catch (err) {
        callback(fault(logger, "PurgeActivity", err));
      }
    },
  };
}
