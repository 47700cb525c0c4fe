/**
 * Scheduler durability under kill -9 (issue: "kill -9 the server with queued and running tasks; after
 * restart the queue is intact and a running task is re-dispatched, never lost"). The server runs as a
 * child process and is killed with SIGKILL; the test plays the agent over raw gRPC.
 */
import { credentials, Metadata } from "@grpc/grpc-js";
import {
  AckStage,
  AgentState,
  buildAckEnvelope,
  EnvelopeFactory,
  type HeartbeatResponse,
  MessageType,
  parseJsonBytes,
  SchedulerServiceClient,
  type SendMessageResponse,
  type StreamItem,
  type SubmitTaskResponse,
  utf8,
} from "@sw4rm/protocol";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  type ChildServer,
  type IncomingStream,
  makeTempDir,
  openIncoming,
  registerAgents,
  registryClient,
  routerClient,
  spawnServer,
  unary,
} from "../../support/index.js";

const PORTS = ["--router-addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:0"];
const MORE = ["--scheduler-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0"];
const dir = makeTempDir();
let server: ChildServer | undefined;
afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
});
afterAll(() => dir.cleanup());

const addr = (name: string) => server?.addresses[name] ?? "";
const worker = new EnvelopeFactory({ producerId: "worker" });

interface TaskView {
  taskId: string;
  status: string;
  runMessageId: string;
  attempts: number;
}

async function tasks(): Promise<Map<string, TaskView>> {
  const res = await fetch(`${addr("admin")}/v1/tasks`);
  const body = (await res.json()) as { tasks: TaskView[] };
  return new Map(body.tasks.map((t) => [t.taskId, t]));
}

async function until<T>(read: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function reportRunning(): Promise<void> {
  const client = registryClient(addr("registry"));
  const res = await unary<HeartbeatResponse>((cb) =>
    client.heartbeat({ agentId: "worker", state: AgentState.RUNNING, health: {} }, cb),
  );
  client.close();
  expect(res.ok).toBe(true);
}

/** The next RUN command for the worker, skipping registry notifications. */
async function nextRun(stream: IncomingStream): Promise<{ item: StreamItem; taskId: string }> {
  for (;;) {
    const item = await stream.next();
    if (item.msg?.messageType !== MessageType.CONTROL) continue;
    const body = parseJsonBytes(item.msg.payload) as { command: string; task_id: string };
    if (body.command === "RUN") return { item, taskId: body.task_id };
  }
}

async function ack(item: StreamItem, stage: AckStage): Promise<void> {
  if (!item.msg) throw new Error("stream item without envelope");
  const router = routerClient(addr("router"));
  const envelope = buildAckEnvelope(worker, { ackFor: item.msg, stage });
  // No sw4rm-to: an ACK goes back to the producer of the acknowledged message (the scheduler).
  const res = await unary<SendMessageResponse>((cb) => router.sendMessage({ msg: envelope }, new Metadata(), cb));
  router.close();
  expect(res).toEqual({ accepted: true, reason: "" });
}

describe("scheduler killed with queued and running tasks", () => {
  it("restores the queue and re-dispatches the running task after SIGKILL", async () => {
    server = await spawnServer(["up", "--data-dir", dir.path, ...PORTS, ...MORE]);
    await registerAgents(addr("registry"), "worker");
    await reportRunning();
    const stream1 = openIncoming(routerClient(addr("router")), "worker");
    const scheduler = new SchedulerServiceClient(addr("scheduler"), credentials.createInsecure());
    for (const [taskId, scope] of [
      ["t-run", "repo:a"],
      ["t-q1", "repo:b"],
      ["t-q2", "repo:c"],
    ] as const) {
      const res = await unary<SubmitTaskResponse>((cb) =>
        scheduler.submitTask(
          { agentId: "worker", taskId, priority: 0, params: utf8("{}"), contentType: "application/json", scope },
          cb,
        ),
      );
      expect(res.accepted).toBe(true);
    }
    scheduler.close();

    const first = await nextRun(stream1);
    expect(first.taskId).toBe("t-run");
    await ack(first.item, AckStage.READ);
    await until(async () => ((await tasks()).get("t-run")?.status === "RUNNING" ? true : undefined), "t-run RUNNING");
    const before = await tasks();
    expect(before.get("t-q1")?.status).toBe("QUEUED");
    expect(before.get("t-q2")?.status).toBe("QUEUED");
    stream1.close();

    expect(await server.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    server = await spawnServer(["up", "--data-dir", dir.path, ...PORTS, ...MORE]);

    // Nothing lost: all three tasks are still there, none finished or failed by the crash.
    const after = await tasks();
    expect([...after.keys()].sort()).toEqual(["t-q1", "t-q2", "t-run"]);
    for (const t of after.values()) expect(["QUEUED", "DISPATCHED", "RUNNING"]).toContain(t.status);

    // The agent comes back: the running task is dispatched again (a new RUN message) before the queue moves.
    await reportRunning();
    const stream2 = openIncoming(routerClient(addr("router")), "worker");
    const redispatched = await until(async () => {
      const t = (await tasks()).get("t-run");
      return t && t.runMessageId !== "" && t.runMessageId !== first.item.msg?.messageId ? t : undefined;
    }, "t-run re-dispatched");
    expect(redispatched.attempts).toBeGreaterThanOrEqual(2);
    let again = await nextRun(stream2);
    // The router may first redeliver the old, never-acked RUN (same seq); the scheduler ignores ACKs for it.
    while (again.item.msg?.messageId !== redispatched.runMessageId) again = await nextRun(stream2);
    expect(again.taskId).toBe("t-run");
    await ack(again.item, AckStage.FULFILLED);
    await until(async () => ((await tasks()).get("t-run")?.status === "DONE" ? true : undefined), "t-run DONE");

    // Then the queue moves on in FIFO order.
    const next = await nextRun(stream2);
    expect(next.taskId).toBe("t-q1");
    stream2.close();
  });
});
