/**
 * Token-file authentication and the per-method authorization table over real gRPC (ephemeral ports):
 * each rule with its negative case, and every refusal logged with actor, method and reason.
 */
import { DIRECTORY, ROUTER_ADMIN } from "@sw4rm/server";
import { writeFileSync } from "node:fs";
import { EnvelopeFactory, GrpcStatus, type ManualClock, MessageType, type StreamItem } from "@sw4rm/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHealth } from "../../support/health.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { type AuthTestServer, startAuthServer } from "./support/authServer.js";
import {
  ackDelivery,
  call,
  type Clients,
  clients,
  deregister,
  firstItem,
  heartbeat,
  register,
  send,
  statusOf,
} from "./support/clients.js";
import { bearer, sha256Hex, writeTokenFile } from "./support/credentials.js";

let dir: TempDir;
let server: AuthTestServer;
let c: Clients;
let tok: Record<string, string>;
let tokensPath: string;

beforeAll(async () => {
  dir = makeTempDir("sw4rm-auth-tokens-");
  const file = writeTokenFile(dir.path, {
    alice: { agentId: "alice" },
    bob: { agentId: "bob", plain: true },
    carol: { agentId: "carol" },
    ops: { admin: true },
  });
  tok = file.tokens;
  tokensPath = file.path;
  server = await startAuthServer({ auth: { tokensFile: file.path } });
  c = clients(server);
  for (const id of ["alice", "bob"]) expect(await register(c, tok[id], id)).toMatchObject({ accepted: true });
});
afterAll(async () => {
  c?.close();
  await server?.cleanup();
  dir?.cleanup();
});

const json = (producerId: string) =>
  new EnvelopeFactory({ producerId, clock: server.clock }).json(MessageType.DATA, { from: producerId });

describe("authentication (token file)", () => {
  it("refuses a call without credentials with UNAUTHENTICATED, saying what to send", async () => {
    const res = await register(c, undefined, "dave");
    expect(statusOf(res)).toBe(GrpcStatus.UNAUTHENTICATED);
    expect((res as Error).message).toMatch(/missing credentials: send "authorization: Bearer <token>"/);
    expect(server.get(DIRECTORY)?.get("dave")).toBeUndefined();
  });

  it("refuses an unknown token and a malformed authorization value", async () => {
    expect(statusOf(await register(c, "not-a-known-token-0123456789", "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
    const md = bearer("x");
    md.set("authorization", "Basic YWxpY2U6c2VjcmV0");
    const res = await call((cb) => c.registry.heartbeat({ agentId: "alice", state: 0, health: {} }, md, cb));
    expect(statusOf(res)).toBe(GrpcStatus.UNAUTHENTICATED);
    expect((res as Error).message).toMatch(/must be "Bearer <token>"/);
  });

  it("keeps grpc.health.v1 open", async () => {
    expect(await checkHealth(server.routerAddr)).toBe("SERVING");
  });

  it("accepts hashed and plain token entries", async () => {
    expect(await heartbeat(c, tok.alice, "alice")).toEqual({ ok: true });
    expect(await heartbeat(c, tok.bob, "bob")).toEqual({ ok: true });
  });
});

describe("registry: an agent registers, heartbeats and deregisters only itself", () => {
  it("refuses agent A registering as B with PERMISSION_DENIED", async () => {
    const res = await register(c, tok.alice, "mallory");
    expect(statusOf(res)).toBe(GrpcStatus.PERMISSION_DENIED);
    expect((res as Error).message).toMatch(
      /agent "alice" \(token\) may not call \/sw4rm\.registry\.RegistryService\/RegisterAgent with agent\.agent_id "mallory"/,
    );
    expect(server.get(DIRECTORY)?.get("mallory")).toBeUndefined();
  });

  it("refuses agent A heartbeating B", async () => {
    expect(statusOf(await heartbeat(c, tok.alice, "bob"))).toBe(GrpcStatus.PERMISSION_DENIED);
  });

  it("refuses agent A deregistering B, and B stays registered", async () => {
    expect(statusOf(await deregister(c, tok.alice, "bob"))).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(server.get(DIRECTORY)?.get("bob")).toBeDefined();
  });

  it("lets an agent deregister itself", async () => {
    expect(await register(c, tok.carol, "carol")).toMatchObject({ accepted: true });
    expect(await deregister(c, tok.carol, "carol")).toEqual({ ok: true });
    expect(server.get(DIRECTORY)?.get("carol")).toBeUndefined();
  });
});

describe("router: sends only as its own producer_id, streams and acks only its own inbox", () => {
  it("refuses a spoofed producer_id with PERMISSION_DENIED and queues nothing", async () => {
    const before = await server.get(ROUTER_ADMIN)?.queueDepths();
    const res = await send(c, tok.alice, json("bob"), "bob");
    expect(statusOf(res)).toBe(GrpcStatus.PERMISSION_DENIED);
    expect((res as Error).message).toMatch(/with msg\.producer_id "bob": an agent sends only as itself/);
    expect(await server.get(ROUTER_ADMIN)?.queueDepths()).toEqual(before);
  });

  it("delivers a message sent as itself to the recipient's own stream, acked by the recipient", async () => {
    const envelope = json("alice");
    expect(await send(c, tok.alice, envelope, "bob")).toEqual({ accepted: true, reason: "" });
    const item = (await firstItem(c, tok.bob, "bob")) as StreamItem;
    expect(item.msg?.messageId).toBe(envelope.messageId);
    expect(await ackDelivery(c, tok.bob, "bob", item.seq, envelope.messageId)).toEqual({ recorded: true });
  });

  it("refuses StreamIncoming of another agent's inbox on the stream with PERMISSION_DENIED", async () => {
    const res = await firstItem(c, tok.alice, "bob");
    expect(statusOf(res)).toBe(GrpcStatus.PERMISSION_DENIED);
    expect((res as Error).message).toMatch(/an agent streams only its own inbox/);
  });

  it("refuses StreamIncoming without credentials with UNAUTHENTICATED", async () => {
    expect(statusOf(await firstItem(c, undefined, "bob"))).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it("refuses AckDelivery of another agent's delivery, leaving it unacked", async () => {
    const envelope = json("bob");
    expect(await send(c, tok.bob, envelope, "alice")).toMatchObject({ accepted: true });
    const item = (await firstItem(c, tok.alice, "alice")) as StreamItem;
    const res = await ackDelivery(c, tok.bob, "alice", item.seq, envelope.messageId);
    expect(statusOf(res)).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(await ackDelivery(c, tok.alice, "alice", item.seq, envelope.messageId)).toEqual({ recorded: true });
  });
});

describe("scheduler policies", () => {
  it("lets any authenticated agent submit a task, but not anonymously", async () => {
    const req = { agentId: "bob", taskId: "t-auth-1", priority: 0, params: new Uint8Array(), contentType: "", scope: "s" };
    const ok = await call((cb) => c.scheduler.submitTask(req, bearer(tok.alice ?? ""), cb));
    expect(statusOf(ok)).toBe(GrpcStatus.OK);
    const anon = await call((cb) => c.scheduler.submitTask({ ...req, taskId: "t-auth-2" }, cb));
    expect(statusOf(anon)).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it("refuses ShutdownAgent / RequestPreemption / PurgeActivity of another agent", async () => {
    const md = () => bearer(tok.alice ?? "");
    const shutdown = await call((cb) => c.scheduler.shutdownAgent({ agentId: "bob", gracePeriod: undefined }, md(), cb));
    expect(statusOf(shutdown)).toBe(GrpcStatus.PERMISSION_DENIED);
    const preempt = await call((cb) => c.scheduler.requestPreemption({ agentId: "bob", taskId: "t", reason: "r" }, md(), cb));
    expect(statusOf(preempt)).toBe(GrpcStatus.PERMISSION_DENIED);
    const purge = await call((cb) => c.scheduler.purgeActivity({ agentId: "bob", taskIds: [] }, md(), cb));
    expect(statusOf(purge)).toBe(GrpcStatus.PERMISSION_DENIED);
    const own = await call((cb) => c.scheduler.purgeActivity({ agentId: "alice", taskIds: [] }, md(), cb));
    expect(statusOf(own)).toBe(GrpcStatus.OK);
  });
});

describe("admin credentials act as any agent", () => {
  it("registers, heartbeats, sends, streams, acks and deregisters for other agents", async () => {
    expect(await register(c, tok.ops, "erin")).toMatchObject({ accepted: true });
    expect(await heartbeat(c, tok.ops, "erin")).toEqual({ ok: true });
    const envelope = json("erin");
    expect(await send(c, tok.ops, envelope, "erin")).toMatchObject({ accepted: true });
    const item = (await firstItem(c, tok.ops, "erin")) as StreamItem;
    expect(item.msg?.messageId).toBe(envelope.messageId);
    expect(await ackDelivery(c, tok.ops, "erin", item.seq, envelope.messageId)).toEqual({ recorded: true });
    expect(await deregister(c, tok.ops, "erin")).toEqual({ ok: true });
  });
});

describe("refusal logs", () => {
  it("logs every refusal at warn with actor, method and reason", async () => {
    await register(c, tok.alice, "spoofed-x");
    await register(c, undefined, "anon-x");
    const refusals = server.log.refusals();
    expect(refusals.every((l) => l.level === 40)).toBe(true);
    expect(refusals).toContainEqual(
      expect.objectContaining({
        actor: "alice",
        credential: "token",
        method: "/sw4rm.registry.RegistryService/RegisterAgent",
        status: "permission_denied",
        reason: expect.stringMatching(/agent\.agent_id "spoofed-x"/),
      }),
    );
    expect(refusals).toContainEqual(
      expect.objectContaining({
        actor: "anonymous",
        method: "/sw4rm.registry.RegistryService/RegisterAgent",
        status: "unauthenticated",
        reason: expect.stringMatching(/missing credentials/),
        peer: expect.any(String),
      }),
    );
  });
});

describe("token file reload", () => {
  it("picks up a revoked and a new token once the file changes", async () => {
    const fresh = "fresh-token-for-alice-0123456789";
    writeFileSync(
      tokensPath,
      JSON.stringify({
        tokens: [
          { agent_id: "alice", sha256: sha256Hex(fresh) },
          { admin: true, sha256: sha256Hex(tok.ops ?? "") },
        ],
      }),
    );
    (server.clock as ManualClock).advance(1_500);
    expect(statusOf(await heartbeat(c, tok.alice, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(await heartbeat(c, fresh, "alice")).toEqual({ ok: true });
  });

  it("keeps the previous tokens when an edit breaks the file", async () => {
    writeFileSync(tokensPath, "{ not json");
    (server.clock as ManualClock).advance(1_500);
    expect(await heartbeat(c, "fresh-token-for-alice-0123456789", "alice")).toEqual({ ok: true });
    expect(server.log.lines.some((l) => String(l.msg).includes("token file reload failed"))).toBe(true);
  });
});
