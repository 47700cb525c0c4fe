/**
 * Regressions for scheduler fuzz findings: F1 (undecodable bytes → INVALID_ARGUMENT with
 * `component.service`), F2 (ShutdownAgent with a blank agent id broadcast SHUTDOWN), F3 (grace periods
 * beyond 2^31-1 ms fired after 1 ms), F4 (PurgeActivity with millions of ids stalled the process),
 * F5 (SubmitTask accepted tasks whose RUN command could never be dispatched).
 */
import { addPipelineService } from "../support/pipeline.js";
import { Server, ServerCredentials, status } from "@grpc/grpc-js";
import {
  type Clock,
  DEFAULT_PAYLOAD_LIMITS,
  EnvelopeFactory,
  ManualClock,
  MessageType,
  ShutdownAgentRequest,
  validateEnvelope,
} from "@sw4rm/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../packages/server/src/process/logger.js";
import { MAX_PURGE_TASK_IDS } from "../../packages/server/src/services/scheduler/activityBuffer.js";
import { commandEnvelope, SCHEDULER_AGENT_ID } from "../../packages/server/src/services/scheduler/commands.js";
import { ControlSender } from "../../packages/server/src/services/scheduler/controlSender.js";
import { MAX_TIMER_MS, ShutdownTracker } from "../../packages/server/src/services/scheduler/shutdowns.js";
import { SchedulerStep } from "../../packages/server/src/services/scheduler/step.js";
import { MAX_DURATION_SECONDS } from "../../packages/server/src/services/scheduler/shutdownRequest.js";
import {
  MAX_PARAMS_BYTES,
  MAX_SCOPE_LENGTH,
  MAX_TASK_ID_LENGTH,
} from "../../packages/server/src/services/scheduler/submission.js";
import { type Harness, startHarness } from "../server/scheduler/harness.js";
import { UNDECODABLE_BODIES } from "./support/probes.js";
import { RawClient } from "./support/rawClient.js";

describe("scheduler fuzz regressions", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** The harness's scheduler served with `component.service`, as the process should register it. */
  async function serve(): Promise<{ client: RawClient; close(): void }> {
    const server = new Server();
    addPipelineService(server, h.scheduler.definition, h.scheduler.handlers, "scheduler");
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const client = new RawClient(`127.0.0.1:${port}`);
    return { client, close: () => (client.close(), server.forceShutdown()) };
  }

  it("serves undecodable bytes INVALID_ARGUMENT naming the request type (component.service)", async () => {
    const { client, close } = await serve();
    try {
      const methods = ["SubmitTask", "RequestPreemption", "ShutdownAgent", "PollActivityBuffer", "PurgeActivity"];
      for (const method of methods) {
        for (const [how, body] of UNDECODABLE_BODIES) {
          const out = await client.unary(`/sw4rm.scheduler.SchedulerService/${method}`, body);
          expect(out, `${method} ${how}`).toMatchObject({ kind: "error", code: status.INVALID_ARGUMENT });
          if (out.kind === "error") expect(out.details).toMatch(/^request body is not a valid sw4rm\.scheduler\.\w+ \(/);
        }
      }
    } finally {
      close();
    }
  });

  it.each(["", "   "])("ShutdownAgent(agent_id=%j) is INVALID_ARGUMENT and broadcasts nothing", async (agentId) => {
    await expect(h.shutdown(agentId, 1_000)).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: "agent_id: is required (the agent to shut down)",
    });
    expect(h.ingress.of("SHUTDOWN")).toEqual([]);
    expect(await h.scheduler.admin.shutdowns()).toEqual([]);
  });

  it("ControlSender never submits a command without a recipient (the router would broadcast it)", async () => {
    const sender = new ControlSender(h.ingress, h.clock);
    const failure = await sender.prepare(" ", { command: "SHUTDOWN", grace_ms: 1, reason: "x" }).submit();
    expect(failure).toBe("no agent id to send the command to");
    expect(h.ingress.sent).toEqual([]);
  });

  it.each([
    ["negative", { seconds: -1n, nanos: 0 }, /^grace_period: must not be negative/],
    ["seconds beyond Duration", { seconds: MAX_DURATION_SECONDS + 1n, nanos: 0 }, /^grace_period: seconds must be/],
    ["nanos beyond Duration", { seconds: 0n, nanos: 1_000_000_000 }, /^grace_period: nanos must be within/],
  ])("ShutdownAgent with a %s grace period is INVALID_ARGUMENT", async (_name, gracePeriod, details) => {
    const { client, close } = await serve();
    try {
      const body = ShutdownAgentRequest.encode({ agentId: "agent-a", gracePeriod }).finish();
      const out = await client.unary("/sw4rm.scheduler.SchedulerService/ShutdownAgent", Buffer.from(body));
      const expected = { kind: "error", code: status.INVALID_ARGUMENT, details: expect.stringMatching(details) };
      expect(out).toMatchObject(expected);
      expect(h.ingress.of("SHUTDOWN")).toEqual([]);
    } finally {
      close();
    }
  });

  it("a grace period longer than a Node timer can hold does not fire early", () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const spying: Clock = {
      now: () => clock.now(),
      setTimer: (ms, fn) => {
        delays.push(ms);
        return clock.setTimer(ms, fn);
      },
    };
    const expired: string[] = [];
    const tracker = new ShutdownTracker({
      records: [],
      clock: spying,
      logger: createLogger({ level: "silent" }),
      onDeadline: (agentId) => expired.push(agentId),
    });
    try {
      const grace = Number(MAX_DURATION_SECONDS) * 1000; // ten thousand years, a valid Duration
      const step = new SchedulerStep();
      tracker.begin(step, "agent-a", grace, "test");
      // The deadline timer is armed when the step is published (once durable; nothing to commit here).
      step.publish((err) => {
        throw err;
      });
      clock.advance(MAX_TIMER_MS * 3);
      expect(expired).toEqual([]);
      expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
      clock.advance(grace);
      expect(expired).toEqual(["agent-a"]);
    } finally {
      tracker.close();
    }
  });

  it(`PurgeActivity refuses more than ${MAX_PURGE_TASK_IDS} task ids (INVALID_ARGUMENT), takes the limit`, async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i % 7}`);
    expect(await h.purge("agent-a", ids(MAX_PURGE_TASK_IDS))).toBe(0);
    await expect(h.purge("agent-a", ids(MAX_PURGE_TASK_IDS + 1))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^task_ids: at most 10000 per PurgeActivity, got 10001/),
    });
  });

  it("SubmitTask refuses params that could never travel in a RUN command", async () => {
    const params = new Uint8Array(MAX_PARAMS_BYTES + 1);
    const res = await h.submit({ taskId: "big", params, contentType: "application/octet-stream" });
    expect(res.accepted).toBe(false);
    expect(res.reason).toMatch(/^params: must be at most 40960 bytes/);
    expect(h.ingress.runs()).toEqual([]);
  });

  it("the largest task SubmitTask accepts still makes a RUN envelope the router accepts", async () => {
    h.directory.set("agent-a");
    const worstId = "\u0001".repeat(MAX_TASK_ID_LENGTH); // JSON-escaped to 6 bytes per character
    const body = { repo_id: "\u0007".repeat(300), pad: "x".repeat(MAX_PARAMS_BYTES - 2_000) };
    const params = new TextEncoder().encode(JSON.stringify(body));
    const scope = "\u0002".repeat(MAX_SCOPE_LENGTH);
    const res = await h.submit({ taskId: worstId, scope, params, contentType: "application/json" });
    expect(res.accepted).toBe(true);
    const run = h.ingress.of("RUN")[0];
    expect(run).toBeDefined();
    if (!run) return;
    expect(run.envelope.repoId).toBe(""); // a control-character repo_id is not copied into the envelope
    expect(validateEnvelope(run.envelope, {})).toBeUndefined();
    // and the bound holds for the largest params with the worst ids, independent of the harness
    const env = commandEnvelope(new EnvelopeFactory({ producerId: SCHEDULER_AGENT_ID }), {
      command: "RUN",
      task_id: worstId,
      priority: -19,
      scope: "\u0002".repeat(MAX_SCOPE_LENGTH),
      params_content_type: "\u0003".repeat(256),
      params_b64: Buffer.alloc(MAX_PARAMS_BYTES).toString("base64"),
    });
    expect(env.messageType).toBe(MessageType.CONTROL);
    expect(env.payload.byteLength).toBeLessThanOrEqual(DEFAULT_PAYLOAD_LIMITS[MessageType.CONTROL]);
  });
});
