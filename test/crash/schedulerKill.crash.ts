/**
 * Scenario 7: the server is SIGKILLed while the scheduler has one task RUNNING and two QUEUED. After a
 * restart on the same data dir nothing is lost (all three tasks still there, none finished or failed
 * by the crash), the running task is dispatched again (a new RUN message) and, once it completes, the
 * queue resumes in FIFO order. The agent is played over raw gRPC.
 */
import { join } from "node:path";
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
import { registerAgents } from "../support/agents.js";
import { registryClient, routerClient, unary } from "../support/grpc.js";
import { type IncomingStream, openIncoming } from "../support/stream.js";
import { makeTempDir } from "../support/tempDir.js";
import { type Card, crashScenario } from "./support/scorecard.js";
import { CrashServer, reservePorts, until } from "./support/server.js";

/** The admin API's task view (snake_case). */
interface TaskView {
  task_id: string;
  status: string;
  run_message_id: string;
  attempts: number;
}

const worker = new EnvelopeFactory({ producerId: "worker" });

/** The next RUN command for the worker, skipping registry notifications. */
async function nextRun(stream: IncomingStream): Promise<{ item: StreamItem; taskId: string }> {
  for (;;) {
    const item = await stream.next(15_000);
    if (item.msg?.messageType !== MessageType.CONTROL) continue;
    const body = parseJsonBytes(item.msg.payload) as { command: string; task_id: string };
    if (body.command === "RUN") return { item, taskId: body.task_id };
  }
}

crashScenario(7, { timeoutMs: 90_000 }, async (card: Card) => {
  const dir = makeTempDir("sw4rm-crash7-");
  card.defer(() => dir.cleanup());
  const server = new CrashServer({ dataDir: join(dir.path, "data"), ports: await reservePorts() });
  card.defer(() => server.dispose());

  const tasks = async (): Promise<Map<string, TaskView>> => {
    const res = await fetch(`${server.admin}/v1/tasks`);
    const body = (await res.json()) as { tasks: TaskView[] };
    return new Map(body.tasks.map((t) => [t.task_id, t]));
  };
  const reportRunning = async () => {
    const client = registryClient(server.registry);
    const res = await unary<HeartbeatResponse>((cb) =>
      client.heartbeat({ agentId: "worker", state: AgentState.RUNNING, health: {} }, cb),
    );
    client.close();
    card.require(res.ok, "worker heartbeat accepted");
  };
  const ack = async (item: StreamItem, stage: AckStage) => {
    card.require(item.msg, "stream item with an envelope");
    const router = routerClient(server.router);
    const envelope = buildAckEnvelope(worker, { ackFor: item.msg, stage });
    // No sw4rm-to: an ACK goes back to the producer of the acknowledged message (the scheduler).
    const res = await unary<SendMessageResponse>((cb) => router.sendMessage({ msg: envelope }, new Metadata(), cb));
    router.close();
    card.require(res.accepted, `ACK ${AckStage[stage]} accepted (${res.reason})`);
  };

  await server.start();
  await registerAgents(server.registry, "worker");
  await reportRunning();
  const client1 = routerClient(server.router);
  card.defer(() => client1.close());
  const stream1 = openIncoming(client1, "worker");
  const scheduler = new SchedulerServiceClient(server.scheduler, credentials.createInsecure());
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
    card.require(res.accepted, `task ${taskId} accepted`);
  }
  scheduler.close();

  const first = await nextRun(stream1);
  card.require(first.taskId === "t-run", `the first RUN is t-run (got ${first.taskId})`);
  await ack(first.item, AckStage.READ);
  await until(async () => ((await tasks()).get("t-run")?.status === "RUNNING" ? true : undefined), "t-run RUNNING");
  const before = await tasks();
  card.require(
    before.get("t-q1")?.status === "QUEUED" && before.get("t-q2")?.status === "QUEUED",
    "t-q1 and t-q2 QUEUED before the kill",
  );
  stream1.close();

  await server.kill9();
  await server.start();

  const after = await tasks();
  card.check(
    [...after.keys()].sort().join(",") === "t-q1,t-q2,t-run",
    `all three tasks still there after restart (got ${[...after.keys()].sort().join(",")})`,
  );
  const statuses = [...after.values()].map((t) => `${t.task_id}=${t.status}`).join(" ");
  card.check(
    [...after.values()].every((t) => ["QUEUED", "DISPATCHED", "RUNNING"].includes(t.status)),
    `none finished or failed by the crash (${statuses})`,
  );

  // The agent comes back: the running task is dispatched again (a new RUN message) before the queue moves.
  await reportRunning();
  const client2 = routerClient(server.router);
  card.defer(() => client2.close());
  const stream2 = openIncoming(client2, "worker");
  card.defer(() => stream2.close());
  const redispatched = await until(async () => {
    const t = (await tasks()).get("t-run");
    return t && t.run_message_id !== "" && t.run_message_id !== first.item.msg?.messageId ? t : undefined;
  }, "t-run re-dispatched");
  card.check(redispatched.attempts >= 2, `the running task is re-dispatched (attempt ${redispatched.attempts})`);
  let again = await nextRun(stream2);
  // The router may first redeliver the old, never-acked RUN (same seq); the scheduler ignores ACKs for it.
  while (again.item.msg?.messageId !== redispatched.run_message_id) again = await nextRun(stream2);
  card.check(again.taskId === "t-run", `the new RUN message is for t-run (got ${again.taskId})`);
  await ack(again.item, AckStage.FULFILLED);
  await until(async () => ((await tasks()).get("t-run")?.status === "DONE" ? true : undefined), "t-run DONE");

  const next = await nextRun(stream2);
  card.check(next.taskId === "t-q1", `the queue resumes FIFO: t-q1 next (got ${next.taskId})`);
  card.note(`after restart: ${statuses}; t-run re-run as attempt ${redispatched.attempts}, then t-q1`);
});
