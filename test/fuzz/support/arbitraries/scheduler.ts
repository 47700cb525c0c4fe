/**
 * Valid-looking SchedulerService requests (encoded with ts-proto): tasks for the fuzz agents with
 * colliding task ids, priorities around -19..20, scopes that overlap, JSON params (deeply nested
 * too), grace periods from zero to the largest Duration, purge lists with thousands of ids.
 */
import {
  PollActivityBufferRequest,
  PreemptRequest,
  PurgeActivityRequest,
  ShutdownAgentRequest,
  SubmitTaskRequest,
} from "@sw4rm/protocol";
import fc from "fast-check";
import { anyBytes, anyString } from "./values.js";

export interface SchedulerPools {
  readonly agents: readonly string[];
  readonly tasks: readonly string[];
  /** Agents that run whatever they are sent (see sinks.ts). */
  readonly sinks: readonly string[];
}

/** A valid task for a sink: dispatched, run (READ, FULFILLED) and finished while the fuzz goes on. */
export function validSubmit(pools: SchedulerPools): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      agentId: fc.constantFrom(...pools.sinks),
      taskId: fc.uuid(),
      priority: fc.integer({ min: -19, max: 20 }),
      params: fc.jsonValue({ maxDepth: 2 }).map((v) => new TextEncoder().encode(JSON.stringify(v) ?? "null")),
      contentType: fc.constant("application/json"),
      scope: fc.constantFrom("*", "repo:a", "repo:a/src", "repo:b"),
    })
    .map((r) => SubmitTaskRequest.encode(r).finish());
}

const params = fc.oneof(
  anyBytes,
  fc
    .record({ description: anyString, repo_id: anyString, branch: anyString })
    .map((o) => new TextEncoder().encode(JSON.stringify(o))),
  fc.constantFrom(1000, 100_000).map((d) => new TextEncoder().encode("[".repeat(d) + "]".repeat(d))),
);

const scope = fc.oneof(fc.constantFrom("*", "repo:a", "repo:a/src", "repo:a:main", "repo:ab", "", " "), anyString);

export function plausibleScheduler(pools: SchedulerPools) {
  const agent = fc.oneof(
    { arbitrary: fc.constantFrom(...pools.agents), weight: 4 },
    { arbitrary: anyString, weight: 1 },
  );
  const task = fc.oneof(
    { arbitrary: fc.constantFrom(...pools.tasks), weight: 3 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: anyString, weight: 1 },
  );
  return {
    submitTask: fc
      .record({
        agentId: agent,
        taskId: task,
        priority: fc.oneof(fc.integer({ min: -21, max: 22 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31))),
        params,
        contentType: fc.oneof(fc.constantFrom("application/json", ""), anyString),
        scope,
      })
      .map((r) => SubmitTaskRequest.encode(r).finish()),
    requestPreemption: fc
      .record({ agentId: fc.oneof(fc.constant(""), agent), taskId: task, reason: anyString })
      .map((r) => PreemptRequest.encode(r).finish()),
    shutdownAgent: fc
      .record({
        agentId: agent,
        gracePeriod: fc.option(
          fc.record({
            seconds: fc.constantFrom(0n, 1n, 60n, -1n, 315_576_000_000n, 2n ** 63n - 1n, -(2n ** 63n)),
            nanos: fc.constantFrom(0, 1, 999_999_999, -999_999_999, 2 ** 31 - 1),
          }),
          { nil: undefined },
        ),
      })
      .map((r) => ShutdownAgentRequest.encode(r).finish()),
    pollActivityBuffer: agent.map((agentId) => PollActivityBufferRequest.encode({ agentId }).finish()),
    purgeActivity: fc
      .record({
        agentId: agent,
        taskIds: fc.oneof(
          fc.array(task, { maxLength: 5 }),
          fc.constantFrom(10_000, 200_000).map((n) => Array.from({ length: n }, (_, i) => `t${i}`)),
        ),
      })
      .map((r) => PurgeActivityRequest.encode(r).finish()),
  };
}
