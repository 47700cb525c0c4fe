/** gRPC adapter: SchedulerService calls onto the Scheduler (doc §2.4). */
import {
  type Duration,
  isoFromMs,
  type SchedulerServiceServer,
  Sw4rmError,
  validationError,
} from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import { storageFailure } from "../../storage/storageErrors.js";
import { purgeProblem } from "./activityBuffer.js";
import type { Scheduler } from "./engine.js";
import { shutdownRequestProblem } from "./shutdownRequest.js";
import type { SchedulerStore } from "./store.js";

/**
 * Unexpected failures become gRPC errors carrying the exact ErrorCode; a store that cannot write (disk
 * full, I/O error, read-only) answers OVERLOADED / RESOURCE_EXHAUSTED naming the store and what to do.
 */
function fault(logger: Logger, store: SchedulerStore, method: string, err: unknown) {
  logger.error({ err, method }, "scheduler call failed");
  const operation = `${method} failed, nothing was stored`;
  const storage = storageFailure(err, { operation, store: store.describe() });
  return (storage ?? Sw4rmError.from(err)).toServiceError();
}

/** Duration → ms; undefined when absent or zero, so the configured default applies. */
export function durationMs(d: Duration | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
  return ms > 0 ? ms : undefined;
}

export function createSchedulerGrpc(
  scheduler: Scheduler,
  store: SchedulerStore,
  logger: Logger,
): SchedulerServiceServer {
  const fail = (method: string, err: unknown) => fault(logger, store, method, err);
  return {
    submitTask(call, callback) {
      scheduler.submit(call.request).then(
        (r) => callback(null, r),
        (err: unknown) => callback(fail("SubmitTask", err)),
      );
    },
    requestPreemption(call, callback) {
      const { agentId, taskId, reason } = call.request;
      scheduler.requestPreemption(agentId, taskId, reason).then(
        (enqueued) => callback(null, { enqueued }),
        (err: unknown) => callback(fail("RequestPreemption", err)),
      );
    },
    shutdownAgent(call, callback) {
      const bad = shutdownRequestProblem(call.request);
      if (bad) return callback(bad.toServiceError());
      scheduler.shutdownAgent(call.request.agentId, durationMs(call.request.gracePeriod)).then(
        () => callback(null, { ok: true }),
        (err: unknown) => callback(fail("ShutdownAgent", err)),
      );
    },
    pollActivityBuffer(call, callback) {
      scheduler.pollActivity(call.request.agentId).then(
        (polled) => {
          const entries = polled.map((e) => ({
            taskId: e.taskId,
            repoId: e.repoId,
            worktreeId: e.worktreeId,
            branch: e.branch,
            description: e.description,
            timestamp: isoFromMs(e.timestampMs),
          }));
          callback(null, { entries });
        },
        (err: unknown) => callback(fail("PollActivityBuffer", err)),
      );
    },
    purgeActivity(call, callback) {
      const tooMany = purgeProblem(call.request.taskIds);
      if (tooMany) return callback(validationError("task_ids", tooMany).toServiceError());
      scheduler.purgeActivity(call.request.agentId, call.request.taskIds).then(
        (purged) => callback(null, { purged }),
        (err: unknown) => callback(fail("PurgeActivity", err)),
      );
    },
  };
}
