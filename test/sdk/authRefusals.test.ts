/**
 * Refused credentials reach the caller: incoming() ends with UNAUTHENTICATED / PERMISSION_DENIED on
 * both receive paths (instead of reconnecting forever), and send() surfaces a refused fast-path session.
 */
import { EnvelopeFactory, GrpcStatus, MessageType, Sw4rmError, systemClock } from "@sw4rm/protocol";
import { RouterClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthTestServer, startAuthServer } from "../server/auth/support/authServer.js";
import { writeTokenFile } from "../server/auth/support/credentials.js";
import { makeTempDir, type TempDir } from "../support/index.js";

let dir: TempDir;
let server: AuthTestServer;
let tok: Record<string, string>;

beforeAll(async () => {
  dir = makeTempDir("sw4rm-sdk-auth-");
  const file = writeTokenFile(dir.path, { alice: { agentId: "alice" } });
  tok = file.tokens;
  server = await startAuthServer({ auth: { tokensFile: file.path }, clock: systemClock });
});
afterAll(async () => {
  await server?.cleanup();
  dir?.cleanup();
});

async function inboxFailure(client: RouterClient, agentId: string): Promise<Sw4rmError> {
  const ctl = new AbortController();
  try {
    for await (const _item of client.incoming(agentId, { signal: ctl.signal })) break;
  } catch (error) {
    if (Sw4rmError.is(error)) return error;
    throw error;
  } finally {
    ctl.abort();
  }
  throw new Error("incoming() ended without the refusal");
}

describe.each([
  { path: "fast path", fastPath: true },
  { path: "canonical StreamIncoming", fastPath: false },
])("refused credentials over the $path", ({ fastPath }) => {
  const client = (token?: string) =>
    new RouterClient({ address: server.routerAddr, fastPath, env: token ? { SW4RM_TOKEN: token } : {} });

  it("incoming() fails with UNAUTHENTICATED without a token and PERMISSION_DENIED for another agent's inbox", async () => {
    const anonymous = client();
    const alice = client(tok.alice);
    try {
      expect((await inboxFailure(anonymous, "alice")).grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
      expect((await inboxFailure(alice, "bob")).grpcStatus).toBe(GrpcStatus.PERMISSION_DENIED);
    } finally {
      anonymous.close();
      alice.close();
    }
  });

  it("send() fails with UNAUTHENTICATED without a token", async () => {
    const anonymous = client();
    try {
      const env = new EnvelopeFactory({ producerId: "alice", clock: systemClock }).json(MessageType.DATA, { n: 1 });
      const err = await anonymous.send(env, { to: "alice" }).then(
        () => undefined,
        (e: unknown) => Sw4rmError.from(e),
      );
      expect(err?.grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
    } finally {
      anonymous.close();
    }
  });
});
