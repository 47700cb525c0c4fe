/**
 * Services registered beside the canonical ones (here the router's streaming session extension) are
 * behind authentication by default, and the CallGuard they call for identities inside messages
 * knows the caller: an agent opens sessions and sends envelopes only as itself.
 */
import { ROUTER_ADMIN } from "@sw4rm/server";
import { EnvelopeFactory, ErrorCode, GrpcStatus, MessageType, Sw4rmError, systemClock } from "@sw4rm/protocol";
import { RouterClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { type AuthTestServer, startAuthServer } from "./support/authServer.js";
import { type Clients, clients, register } from "./support/clients.js";
import { writeTokenFile } from "./support/credentials.js";

let dir: TempDir;
let server: AuthTestServer;
let raw: Clients;
let tok: Record<string, string>;

beforeAll(async () => {
  dir = makeTempDir("sw4rm-auth-session-");
  const file = writeTokenFile(dir.path, { alice: { agentId: "alice" }, bob: { agentId: "bob" } });
  tok = file.tokens;
  server = await startAuthServer({ auth: { tokensFile: file.path }, clock: systemClock });
  raw = clients(server);
  expect(await register(raw, tok.alice, "alice")).toMatchObject({ accepted: true });
  expect(await register(raw, tok.bob, "bob")).toMatchObject({ accepted: true });
});
afterAll(async () => {
  raw?.close();
  await server?.cleanup();
  dir?.cleanup();
});

const router = (token?: string) => new RouterClient({ address: server.routerAddr, env: token ? { SW4RM_TOKEN: token } : {} });

async function failure(p: Promise<unknown>): Promise<Sw4rmError> {
  try {
    await p;
  } catch (err) {
    return Sw4rmError.from(err);
  }
  throw new Error("expected a failure");
}

describe("router session (an extension service) under auth", () => {
  it("refuses to open a session without credentials (UNAUTHENTICATED by default for unlisted services)", async () => {
    const client = router();
    try {
      const session = client.openSession({ agentId: "alice" });
      expect((await failure(session.ready())).grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
    } finally {
      client.close();
    }
    expect(server.log.refusals()).toContainEqual(
      expect.objectContaining({ actor: "anonymous", method: expect.stringMatching(/RouterSession/) }),
    );
  });

  it("refuses a session opened for another agent with PERMISSION_DENIED", async () => {
    const client = router(tok.alice);
    try {
      const session = client.openSession({ agentId: "bob" });
      expect((await failure(session.ready())).grpcStatus).toBe(GrpcStatus.PERMISSION_DENIED);
    } finally {
      client.close();
    }
  });

  it("sends as itself over the fast path, and never as another producer", async () => {
    const client = router(tok.alice);
    try {
      const own = new EnvelopeFactory({ producerId: "alice", clock: systemClock }).json(MessageType.DATA, { n: 1 });
      expect(await client.send(own, { to: "bob" })).toEqual({ accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED });
      expect(client.usesFastPath).toBe(true);
      const before = await server.get(ROUTER_ADMIN)?.queueDepths();
      const spoofed = new EnvelopeFactory({ producerId: "bob", clock: systemClock }).json(MessageType.DATA, { n: 2 });
      // The session for "bob" is refused, so the client falls back to SendMessage, refused as well.
      expect((await failure(client.send(spoofed, { to: "alice" }))).grpcStatus).toBe(GrpcStatus.PERMISSION_DENIED);
      expect(await server.get(ROUTER_ADMIN)?.queueDepths()).toEqual(before);
    } finally {
      client.close();
    }
  });

  it("answers PERMISSION_DENIED per send for an envelope whose producer is not the session's caller", async () => {
    const client = router(tok.alice);
    try {
      const session = client.openSession({ agentId: "alice" });
      await session.ready();
      const before = await server.get(ROUTER_ADMIN)?.queueDepths();
      const spoofed = new EnvelopeFactory({ producerId: "bob", clock: systemClock }).json(MessageType.DATA, { n: 3 });
      const result = await session.send(spoofed, { to: "alice" });
      expect(result.accepted).toBe(false);
      expect(result.reason).toMatch(/^permission_denied: .*alice.*bob/i);
      expect(await server.get(ROUTER_ADMIN)?.queueDepths()).toEqual(before);
      const own = new EnvelopeFactory({ producerId: "alice", clock: systemClock }).json(MessageType.DATA, { n: 4 });
      expect(await session.send(own, { to: "bob" })).toEqual({ accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED });
      session.close();
    } finally {
      client.close();
    }
  });
});
