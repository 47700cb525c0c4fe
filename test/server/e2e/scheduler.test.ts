import { startTestStack, type TestStack } from "@sw4rm/testing";
import { credentials } from "@grpc/grpc-js";
import { SchedulerServiceClient, systemClock, utf8 } from "@sw4rm/protocol";
import { Agent, SchedulerClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestStack;
beforeAll(async () => {
  server = await startTestStack({ clock: systemClock });
});
afterAll(async () => {
  await server?.cleanup();
});

async function until<T>(read: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface TaskBody {
  task: { status: string; error_code: string };
}

describe("sw4rm up: scheduler → router → agent → ACK → scheduler", () => {
  it("serves the scheduler on its own port with health", () => {
    expect(server.schedulerAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.readinessLine).toMatch(/ scheduler=127\.0\.0\.1:\d+ /);
  });

  it("runs a submitted task on a real agent and records it DONE from the agent's ACKs", async () => {
    const seen: unknown[] = [];
    const worker = new Agent({
      agentId: "e2e-worker",
      name: "Worker",
      routerAddress: server.routerAddr,
      registryAddress: server.registryAddr,
    }).onTask(async (ctx) => {
      seen.push(ctx.params);
      await ctx.checkpoint();
      return "done";
    });
    await worker.start();
    const scheduler = new SchedulerClient({ address: server.schedulerAddr });
    const res = await scheduler.submitTask({
      agentId: "e2e-worker",
      taskId: "t-1",
      priority: 0,
      scope: "repo:a",
      contentType: "application/json",
      params: utf8(JSON.stringify({ n: 7 })),
    });
    expect(res.accepted).toBe(true);
    let last: unknown;
    const agents = async () => (await (await fetch(`${server.adminUrl}/v1/agents`)).json()) as unknown;
    const body = await until(async () => {
      const r = await fetch(`${server.adminUrl}/v1/tasks/t-1`);
      const b = (await r.json()) as TaskBody;
      last = b;
      return b.task?.status === "DONE" ? b : undefined;
    }).catch(async (e: unknown) => {
      throw new Error(`${String(e)}: last task ${JSON.stringify(last)}; agents ${JSON.stringify(await agents())}`);
    });
    expect(body.task.status).toBe("DONE");
    expect(seen).toEqual([{ n: 7 }]);
    const again = await scheduler.submitTask({ agentId: "e2e-worker", taskId: "t-1", scope: "repo:a" });
    expect(again.accepted).toBe(false);
    expect(again.reason).toMatch(/DUPLICATE_DETECTED/);
    await worker.stop();
  });

  it("refuses an out-of-range priority over the wire", async () => {
    const raw = new SchedulerServiceClient(server.schedulerAddr, credentials.createInsecure());
    const res = await new Promise<{ accepted: boolean; reason: string }>((resolve, reject) =>
      raw.submitTask(
        { agentId: "x", taskId: "bad", priority: 25, params: new Uint8Array(), contentType: "", scope: "s" },
        (err, r) => (err ? reject(err) : resolve(r)),
      ),
    );
    raw.close();
    expect(res.accepted).toBe(false);
    expect(res.reason).toMatch(/priority/);
  });
});
