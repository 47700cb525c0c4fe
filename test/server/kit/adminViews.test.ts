/**
 * Every admin route answers in one shape: snake_case keys only (typed views per resource), with real
 * records behind each route (agents, queues, messages, DLQ, tasks).
 */
import { credentials, Metadata } from "@grpc/grpc-js";
import {
  EnvelopeFactory,
  type ManualClock,
  MessageType,
  METADATA,
  SchedulerServiceClient,
  type SendMessageResponse,
  type SubmitTaskResponse,
  utf8,
} from "@sw4rm/protocol";
import { ROUTER_ADMIN } from "@sw4rm/server";
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerAgents } from "../../support/agents.js";
import { routerClient, unary } from "../../support/grpc.js";

const SNAKE = /^[a-z][a-z0-9_]*$/;

/** Every object key of a JSON value (health maps are agents' own data and skipped). */
function keysOf(value: unknown, path = "$", out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => keysOf(v, `${path}[${i}]`, out));
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) {
      out.push(`${path}.${k}`);
      if (k !== "health") keysOf(v, `${path}.${k}`, out);
    }
  return out;
}

function nonSnake(body: unknown): string[] {
  return keysOf(body).filter((p) => !SNAKE.test(p.slice(p.lastIndexOf(".") + 1)));
}

describe("admin views are snake_case only", () => {
  let stack: TestStack;
  let messageId = "";
  let correlationId = "";

  beforeAll(async () => {
    stack = await startTestStack();
    await registerAgents(stack.registryAddr, "alice", "bob");
    const factory = new EnvelopeFactory({ producerId: "alice", clock: stack.clock });
    const router = routerClient(stack.routerAddr);
    const send = async (ttlMs: number) => {
      const envelope = factory.json(MessageType.DATA, { n: ttlMs }, { ttlMs });
      const md = new Metadata();
      md.set(METADATA.recipients, "bob");
      const res = await unary<SendMessageResponse>((cb) => router.sendMessage({ msg: envelope }, md, cb));
      expect(res.accepted).toBe(true);
      return envelope;
    };
    const queued = await send(0);
    messageId = queued.messageId;
    correlationId = queued.correlationId;
    await send(1_000);
    router.close();
    (stack.clock as ManualClock).advance(5_000);
    await vi.waitFor(async () => expect(await stack.get(ROUTER_ADMIN)?.dlq.list({})).toHaveLength(1));
    const scheduler = new SchedulerServiceClient(stack.schedulerAddr, credentials.createInsecure());
    const submitted = await unary<SubmitTaskResponse>((cb) =>
      scheduler.submitTask(
        { agentId: "bob", taskId: "t-1", priority: 0, scope: "*", contentType: "application/json", params: utf8("{}") },
        cb,
      ),
    );
    expect(submitted.accepted).toBe(true);
    scheduler.close();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  const get = async (path: string) => {
    const res = await fetch(`${stack.adminUrl}${path}`);
    expect(res.status, path).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  it.each([
    ["/v1/agents", "agents"],
    ["/v1/queues", "queues"],
    ["/v1/dlq", "entries"],
    ["/v1/tasks", "tasks"],
  ])("GET %s lists records with snake_case keys", async (path, list) => {
    const body = await get(path);
    expect((body[list] as unknown[]).length).toBeGreaterThan(0);
    expect(nonSnake(body)).toEqual([]);
  });

  it("GET /v1/messages/<id>, /v1/messages?correlation_id=, /v1/tasks/<id> and the DLQ export are snake_case", async () => {
    const message = await get(`/v1/messages/${messageId}`);
    expect(message).toMatchObject({ message: { message_id: messageId, recipients: ["bob"] } });
    expect(nonSnake(message)).toEqual([]);
    const byCorrelation = await get(`/v1/messages?correlation_id=${encodeURIComponent(correlationId)}`);
    expect((byCorrelation.messages as unknown[]).length).toBe(1);
    expect(nonSnake(byCorrelation)).toEqual([]);
    const task = await get("/v1/tasks/t-1");
    expect(task).toMatchObject({ task: { task_id: "t-1", agent_id: "bob" } });
    expect(nonSnake(task)).toEqual([]);
    const lines = (await (await fetch(`${stack.adminUrl}/v1/dlq/export`)).text()).trim().split("\n");
    expect(lines).toHaveLength(1);
    for (const line of lines) expect(nonSnake(JSON.parse(line))).toEqual([]);
  });

  it("POST requeue and purge answer snake_case", async () => {
    const [entry] = (await get("/v1/dlq")).entries as { id: number }[];
    const post = async (path: string, body: unknown) =>
      (await (
        await fetch(`${stack.adminUrl}${path}`, { method: "POST", body: JSON.stringify(body) })
      ).json()) as Record<string, unknown>;
    const requeued = await post("/v1/dlq/requeue", { ids: [entry?.id] });
    expect(requeued).toMatchObject({ requested: 1, requeued: [{ agent_id: "bob" }] });
    expect(nonSnake(requeued)).toEqual([]);
    expect(nonSnake(await post("/v1/dlq/purge", { filter: {} }))).toEqual([]);
  });

  it("a service that does not run here answers 503 on its paths, naming it", async () => {
    const only = await startTestStack({ config: { scheduler: { enabled: false } } });
    try {
      const res = await fetch(`${only.adminUrl}/v1/tasks/t-1`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: { code: "unavailable", message: "the scheduler service is not running in this server" },
      });
    } finally {
      await only.cleanup();
    }
  });
});
