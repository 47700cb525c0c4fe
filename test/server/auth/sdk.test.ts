/**
 * The SDK against an authenticating server: the `token` client option (and SW4RM_TOKEN) reaches
 * every client of the Agent runtime (register, heartbeat, stream, send, ACKs); a wrong or missing
 * token fails start(); scheduler → router → agent traffic (in-process on the server) is unaffected.
 */
import { DIRECTORY } from "@sw4rm/server";
import { AckStage, ErrorCode, GrpcStatus, MessageType, Sw4rmError, systemClock, utf8 } from "@sw4rm/protocol";
import { Agent, SchedulerClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { type AuthTestServer, startAuthServer } from "./support/authServer.js";
import { writeTokenFile } from "./support/credentials.js";

let dir: TempDir;
let server: AuthTestServer;
let tok: Record<string, string>;

beforeAll(async () => {
  dir = makeTempDir("sw4rm-auth-sdk-");
  const file = writeTokenFile(dir.path, {
    echo: { agentId: "sdk-echo" },
    client: { agentId: "sdk-client" },
    worker: { agentId: "sdk-worker" },
    ops: { agentId: "ops", admin: true },
  });
  tok = file.tokens;
  server = await startAuthServer({ auth: { tokensFile: file.path }, clock: systemClock });
});
afterAll(async () => {
  await server?.cleanup();
  dir?.cleanup();
});

const addrs = () => ({ routerAddress: server.routerAddr, registryAddress: server.registryAddr });

async function failure(p: Promise<unknown>): Promise<Sw4rmError> {
  try {
    await p;
  } catch (err) {
    return Sw4rmError.from(err);
  }
  throw new Error("expected a failure");
}

describe("Agent with a bearer token", () => {
  it("runs send → deliver → FULFILLED ACK end to end with `client.token` and SW4RM_TOKEN", async () => {
    const echo = new Agent({ agentId: "sdk-echo", name: "Echo", ...addrs(), client: { token: tok.echo } }).on(
      MessageType.DATA,
      (m) => `echo:${m.text()}`,
    );
    const client = new Agent({
      agentId: "sdk-client",
      name: "Client",
      ...addrs(),
      client: { env: { SW4RM_TOKEN: tok.client } },
    });
    await echo.start();
    await client.start();
    try {
      const ev = await client.sendAndWait(
        { messageType: MessageType.DATA, payload: "ping" },
        { to: "sdk-echo", until: AckStage.FULFILLED },
      );
      expect(ev.ack.note).toBe("echo:ping");
      expect(server.get(DIRECTORY)?.get("sdk-echo")?.available).toBe(true);
    } finally {
      await client.stop();
      await echo.stop();
    }
  });

  it("fails start() with PERMISSION_DENIED when the token is another agent's", async () => {
    const imposter = new Agent({ agentId: "sdk-imposter", name: "Imposter", ...addrs(), client: { token: tok.echo } });
    const err = await failure(imposter.start());
    expect(err.grpcStatus).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(err.code).toBe(ErrorCode.PERMISSION_DENIED);
    expect(server.get(DIRECTORY)?.get("sdk-imposter")).toBeUndefined();
  });

  it("fails start() with UNAUTHENTICATED without a token", async () => {
    const anon = new Agent({ agentId: "sdk-echo", name: "Anon", ...addrs(), client: { env: {} } });
    expect((await failure(anon.start())).grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
  });
});

describe("server-internal traffic under auth", () => {
  it("dispatches a task submitted by an admin to an authenticated agent (scheduler → router in-process)", async () => {
    const worker = new Agent({ agentId: "sdk-worker", name: "Worker", ...addrs(), client: { token: tok.worker } }).onTask(
      async () => "done",
    );
    await worker.start();
    const scheduler = new SchedulerClient({ address: server.schedulerAddr, token: tok.ops });
    try {
      const res = await scheduler.submitTask({
        agentId: "sdk-worker",
        taskId: "auth-t1",
        scope: "repo:a",
        contentType: "application/json",
        params: utf8("{}"),
      });
      expect(res).toEqual({ accepted: true, reason: "" });
      const headers = { authorization: `Bearer ${tok.ops}` };
      const deadline = Date.now() + 10_000;
      let status = "";
      while (status !== "DONE" && Date.now() < deadline) {
        const body = (await (await fetch(`${server.adminUrl}/v1/tasks/auth-t1`, { headers })).json()) as {
          task?: { status: string };
        };
        status = body.task?.status ?? "";
        if (status !== "DONE") await new Promise((r) => setTimeout(r, 25));
      }
      expect(status).toBe("DONE");
    } finally {
      scheduler.close();
      await worker.stop();
    }
  });
});
