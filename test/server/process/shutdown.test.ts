/** stop(): streams are ended by the server (not left to the grace timeout) and storage is closed. */
import { DIRECTORY } from "@sw4rm/server";
import { startTestStack } from "@sw4rm/testing";
import type { StatusObject } from "@grpc/grpc-js";
import { systemClock } from "@sw4rm/protocol";
import { expect, it } from "vitest";
import { registerAgents } from "../../support/agents.js";
import { routerClient } from "../../support/grpc.js";

it("stop() ends open StreamIncoming calls well before the grace period, then allows a restart", async () => {
  const server = await startTestStack({ clock: systemClock, config: { shutdownGraceMs: 20_000 } });
  await registerAgents(server.registryAddr, "listener");
  const client = routerClient(server.routerAddr);
  const call = client.streamIncoming({ agentId: "listener" });
  // The registry's join notice for "other" proves the stream is open.
  const firstItem = new Promise((resolve) => call.once("data", resolve));
  call.on("data", () => {});
  const status = new Promise<StatusObject>((resolve) => call.on("status", resolve));
  call.on("error", () => {}); // a cancelled stream also reports through "status"
  await registerAgents(server.registryAddr, "other");
  await firstItem;
  const started = Date.now();
  await server.stop();
  expect(Date.now() - started).toBeLessThan(10_000);
  await status;
  client.close();

  // Same data dir: the registry resumes with the agent.
  const again = await startTestStack({ dataDir: server.dataDir });
  try {
    expect(again.get(DIRECTORY)?.get("listener")).toBeDefined();
  } finally {
    await again.stop();
    await server.cleanup();
  }
});
