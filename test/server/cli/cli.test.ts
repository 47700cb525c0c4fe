/** CLI commands against an in-process server (the CLI itself runs as a child: built dist). */
import { ROUTER_ADMIN } from "@sw4rm/server";
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { Metadata } from "@grpc/grpc-js";
import { EnvelopeFactory, type ManualClock, METADATA, MessageType, type SendMessageResponse } from "@sw4rm/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerAgents } from "../../support/agents.js";
import { runCli } from "../../support/child.js";
import { routerClient, unary } from "../../support/grpc.js";
import { freePort } from "../../support/ports.js";

describe("sw4rm admin commands", () => {
  let server: TestStack;
  let queuedId = "";
  let expiredId = "";
  const cli = (...args: string[]) => runCli([...args, "--admin", server.adminUrl]);

  beforeAll(async () => {
    server = await startTestStack({ config: { registry: { notifications: false } } });
    await registerAgents(server.registryAddr, "alice", "bob");
    const factory = new EnvelopeFactory({ producerId: "alice", clock: server.clock });
    const router = routerClient(server.routerAddr);
    const send = async (ttlMs: number) => {
      const envelope = factory.json(MessageType.DATA, { n: ttlMs }, { ttlMs });
      const md = new Metadata();
      md.set(METADATA.recipients, "bob");
      const res = await unary<SendMessageResponse>((cb) => router.sendMessage({ msg: envelope }, md, cb));
      expect(res.accepted).toBe(true);
      return envelope.messageId;
    };
    queuedId = await send(0);
    expiredId = await send(1_000);
    router.close();
    // TTL sweep on the manual clock dead-letters the second message (TTL_EXPIRED).
    (server.clock as ManualClock).advance(5_000);
    await vi.waitFor(async () => {
      const entries = (await server.get(ROUTER_ADMIN)?.dlq.list({})) as unknown[];
      expect(entries).toHaveLength(1);
    });
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it("agents --json lists registered agents", async () => {
    const r = await cli("agents", "--json");
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { agents: { agent_id: string; state: string; available: boolean }[] };
    expect(body.agents.map((a) => a.agent_id).sort()).toEqual(["alice", "bob"]);
    expect(body.agents[0]).toMatchObject({ state: "INITIALIZING", available: true });
  });

  it("agents prints an aligned table", async () => {
    const r = await cli("agents");
    const [header, ...rows] = r.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^AGENT_ID\s+NAME\s+STATE\s+AVAILABLE\s+CLASS\s+LAST_HEARTBEAT$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.indexOf("Agent alice")).toBe(header?.indexOf("NAME"));
  });

  it("queues shows the depth per agent", async () => {
    const r = await cli("queues");
    expect(r.code).toBe(0);
    // alice holds the FAILED ack for her expired message; bob the undelivered one.
    expect(r.stdout).toMatch(/^AGENT_ID\s+DEPTH\nalice\s+1\nbob\s+1\n$/);
  });

  it("message <id> shows the routing record; unknown ids fail with 404", async () => {
    const r = await cli("message", queuedId, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).message).toMatchObject({ message_id: queuedId, recipients: ["bob"] });
    const missing = await cli("message", "00000000-0000-4000-8000-000000000000");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/admin API 404: no message with id/);
  });

  it("dlq list / export / requeue / purge", async () => {
    const list = await cli("dlq", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+MESSAGE_ID\s+AGENT_ID\s+CODE/);
    expect(list.stdout).toContain(expiredId);
    // The CODE column prints the ErrorCode name that --code takes.
    expect(list.stdout).toMatch(/\sTTL_EXPIRED\s/);

    const json = JSON.parse((await cli("dlq", "list", "--json", "--code", "TTL_EXPIRED")).stdout) as {
      entries: { id: number }[];
    };
    expect(json.entries).toHaveLength(1);
    expect(JSON.parse((await cli("dlq", "list", "--json", "--agent", "alice")).stdout).entries).toEqual([]);

    const exported = await cli("dlq", "export");
    expect(
      exported.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).message_id),
    ).toEqual([expiredId]);

    const refused = await cli("dlq", "purge");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/pass --agent, --code or --all/);

    const id = String(json.entries[0]?.id);
    const requeued = await cli("dlq", "requeue", id);
    expect(requeued.stdout).toMatch(/^requeued 1 of 1 entry/);
    expect((await cli("queues")).stdout).toMatch(/bob\s+2/);
    // An id that is not in the DLQ is an error a script can see.
    const missing = await cli("dlq", "requeue", "999999");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^requeued 0 of 1 entry/);
    expect(missing.stderr).toMatch(/1 of 1 entry not requeued: not in the DLQ/);

    const purged = await cli("dlq", "purge", "--all", "--json");
    expect(purged.stdout.endsWith("}\n")).toBe(true);
    expect(JSON.parse(purged.stdout)).toEqual({ purged: expect.any(Number) });
  });

  it("reports an unreachable admin API clearly", async () => {
    const port = await freePort();
    const r = await runCli(["agents", "--admin", `127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the sw4rm admin API at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

describe("sw4rm --help", () => {
  it("lists every command", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["up", "agents", "queues", "message", "dlq"])
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
  });

  it("documents the up flags and the readiness line", async () => {
    const r = await runCli(["up", "--help"]);
    for (const flag of ["--config", "--data-dir", "--router-addr", "--registry-addr", "--scheduler-addr", "--admin-addr", "--log-level"])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain("sw4rm ready router=");
  });

  it("documents the dlq subcommands and common options", async () => {
    const r = await runCli(["dlq", "--help"]);
    for (const cmd of ["list", "requeue", "export", "purge"]) expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
    const list = await runCli(["dlq", "list", "--help"]);
    for (const flag of ["--admin", "--json", "--agent", "--code", "--limit"]) expect(list.stdout).toContain(flag);
  });
});
