/** Admin HTTP API: status codes and JSON error bodies. */

import { startTestStack, type TestStack } from "@sw4rm/testing";
import { registryModule, silentLogger, startServer } from "@sw4rm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgents } from "../../support/agents.js";
import { makeTempDir } from "../../support/tempDir.js";

describe("admin HTTP API", () => {
  let server: TestStack;
  const get = (path: string) => fetch(`${server.adminUrl}${path}`);
  const post = (path: string, body: string) =>
    fetch(`${server.adminUrl}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });

  beforeAll(async () => {
    server = await startTestStack();
    await registerAgents(server.registryAddr, "a1");
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it("GET /healthz", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /v1/agents returns snake_case agent views", async () => {
    const body = (await (await get("/v1/agents")).json()) as { agents: unknown[] };
    expect(body.agents).toEqual([
      expect.objectContaining({
        agent_id: "a1",
        state: "INITIALIZING",
        available: true,
        communication_class: "STANDARD",
      }),
    ]);
  });

  it.each([
    ["GET", "/nope", 404, "not_found"],
    ["POST", "/v1/agents", 405, "method_not_allowed"],
    ["GET", "/v1/messages", 400, "bad_request"],
    ["GET", "/v1/messages/unknown-id", 404, "not_found"],
    ["GET", "/v1/dlq?limit=abc", 400, "bad_request"],
    ["GET", "/v1/dlq?code=NOPE", 400, "bad_request"],
  ])("%s %s → %i %s", async (method, path, status, code) => {
    const res = await fetch(`${server.adminUrl}${path}`, { method });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it("validates POST bodies", async () => {
    expect((await post("/v1/dlq/requeue", "{not json")).status).toBe(400);
    expect((await post("/v1/dlq/requeue", JSON.stringify({ ids: [] }))).status).toBe(400);
    expect((await post("/v1/dlq/purge", JSON.stringify({}))).status).toBe(400);
    const ok = await post("/v1/dlq/purge", JSON.stringify({ filter: { agent: "nobody" } }));
    expect(await ok.json()).toEqual({ purged: 0 });
  });

  it("GET /v1/dlq/export streams NDJSON", async () => {
    const res = await get("/v1/dlq/export");
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    expect(await res.text()).toBe("");
  });

  it("GET /metrics exposes Prometheus text", async () => {
    const text = await (await get("/metrics")).text();
    expect(text).toContain('sw4rm_registry_agents{available="true"} 1');
  });
});

describe("admin without a router", () => {
  it("answers 503 for router routes when only the registry runs", async () => {
    const dir = makeTempDir();
    const running = await startServer(
      {
        dataDir: dir.path,
        router: { addr: ":0" },
        registry: { addr: ":0" },
        scheduler: { addr: ":0" },
        admin: { addr: ":0" },
      },
      { modules: [registryModule], logger: silentLogger() },
    );
    try {
      expect(running.readinessLine).toMatch(/^sw4rm ready registry=127\.0\.0\.1:\d+ admin=http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${running.adminUrl}/v1/queues`);
      expect(res.status).toBe(503);
    } finally {
      await running.stop();
      dir.cleanup();
    }
  });
});
