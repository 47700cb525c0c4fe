/**
 * The admin HTTP surface with auth on: /healthz open, /metrics for any valid credential, everything
 * else for admin credentials only (401 without/with a bad credential, 403 for an agent); and the CLI
 * admin commands sending --token / SW4RM_TOKEN (the CLI runs as a child: built dist).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/child.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { type AuthTestServer, startAuthServer } from "./support/authServer.js";
import { writeTokenFile } from "./support/credentials.js";

let dir: TempDir;
let server: AuthTestServer;
let tok: Record<string, string>;

beforeAll(async () => {
  dir = makeTempDir("sw4rm-auth-admin-");
  const file = writeTokenFile(dir.path, { alice: { agentId: "alice" }, ops: { agentId: "ops", admin: true } });
  tok = file.tokens;
  server = await startAuthServer({ auth: { tokensFile: file.path } });
});
afterAll(async () => {
  await server?.cleanup();
  dir?.cleanup();
});

const get = (path: string, token?: string) =>
  fetch(`${server.adminUrl}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe("admin HTTP access", () => {
  it("keeps /healthz open", async () => {
    expect((await get("/healthz")).status).toBe(200);
  });

  it("answers 401 with WWW-Authenticate without a credential or with an unknown one", async () => {
    const res = await get("/v1/agents");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unauthenticated");
    expect(body.error.message).toMatch(/Authorization: Bearer <admin token>/);
    expect((await get("/v1/agents", "wrong-token-0123456789abcdef")).status).toBe(401);
  });

  it("answers 403 to an agent credential and logs the refusal", async () => {
    const res = await get("/v1/agents", tok.alice);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("permission_denied");
    expect(server.log.refusals()).toContainEqual(
      expect.objectContaining({ actor: "alice", method: "GET /v1/agents", status: "permission_denied" }),
    );
  });

  it("serves an admin credential", async () => {
    const res = await get("/v1/agents", tok.ops);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ agents: [] });
    const purge = await fetch(`${server.adminUrl}/v1/dlq/purge`, {
      method: "POST",
      headers: { authorization: `Bearer ${tok.alice}`, "content-type": "application/json" },
      body: JSON.stringify({ filter: {} }),
    });
    expect(purge.status).toBe(403);
  });

  it("serves /metrics to any valid credential, not to anonymous callers", async () => {
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/metrics", tok.alice)).status).toBe(200);
  });
});

describe("CLI admin commands with a token", () => {
  it("fails without a token, saying how to pass one", async () => {
    const res = await runCli(["agents", "--admin", server.adminUrl], { env: { SW4RM_TOKEN: "" } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/admin API 401: .*pass --token <admin token> or set SW4RM_TOKEN/);
  });

  it("sends --token and SW4RM_TOKEN", async () => {
    const flag = await runCli(["agents", "--json", "--admin", server.adminUrl, "--token", tok.ops ?? ""]);
    expect(flag.code).toBe(0);
    expect(JSON.parse(flag.stdout)).toEqual({ agents: [] });
    const env = await runCli(["queues", "--json", "--admin", server.adminUrl], { env: { SW4RM_TOKEN: tok.ops } });
    expect(env.code).toBe(0);
    const agent = await runCli(["dlq", "list", "--admin", server.adminUrl, "--token", tok.alice ?? ""]);
    expect(agent.code).toBe(1);
    expect(agent.stderr).toMatch(/admin API 403: agent "alice" \(token\) may not use the admin API/);
  });
});
