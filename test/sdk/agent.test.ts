import { startTestStack, type TestStack } from "@sw4rm/testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckStage, MessageType, systemClock } from "@sw4rm/protocol";
import { Agent, type DeliveredItem, RouterClient, type RouterPort } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestStack;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startTestStack({ clock: systemClock });
});
afterAll(async () => {
  await server?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const addrs = () => ({ routerAddress: server.routerAddr, registryAddress: server.registryAddr });
const until = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("Agent against the real server", () => {
  it("echo: sendAndWait resolves on the recipient's FULFILLED ACK", async () => {
    const echo = new Agent({ agentId: "it-echo", name: "Echo", ...addrs() }).on(
      MessageType.DATA,
      (m) => `echo:${m.text()}`,
    );
    const client = new Agent({ agentId: "it-client", name: "Client", ...addrs() });
    await echo.start();
    await client.start();
    const ev = await client.sendAndWait(
      { messageType: MessageType.DATA, payload: "ping" },
      { to: "it-echo", until: AckStage.FULFILLED },
    );
    expect(ev.ack.note).toBe("echo:ping");
    expect(ev.from).toBe("it-echo");
    await client.stop();
    await echo.stop();
  });

  it("crash before AckDelivery: redelivered after restart, handler not re-run, ACK re-sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sw4rm-it-"));
    dirs.push(dir);
    let effects = 0;
    // First incarnation: its AckDelivery never reaches the router (killed right after the completion record).
    const real = new RouterClient({ address: server.routerAddr });
    const crashing: RouterPort = {
      send: (e, o) => real.send(e, o),
      async *incoming(agentId, o) {
        for await (const item of real.incoming(agentId, o)) {
          const dead: DeliveredItem = { ...item, ack: async () => Promise.reject(new Error("killed")), settled: false };
          yield dead;
        }
      },
    };
    const make = (router?: RouterPort) =>
      new Agent({ agentId: "it-worker", name: "W", dataDir: dir, ...addrs(), ...(router ? { router } : {}) }).on(
        MessageType.DATA,
        () => {
          effects += 1;
          return "charged";
        },
      );
    const sender = new Agent({ agentId: "it-sender", name: "S", ...addrs() });
    const fulfilled: string[] = [];
    sender.onAck((e) => {
      if (e.ack.ackStage === AckStage.FULFILLED) fulfilled.push(e.ack.note);
    });
    await sender.start();
    const first = make(crashing);
    await first.start();
    await sender.send("it-worker", {
      messageType: MessageType.DATA,
      payload: "charge",
      idempotencyToken: "it-sender:charge:1",
    });
    await until(() => effects === 1 && fulfilled.length === 1);
    await first.stop();
    real.close();

    const second = make();
    await second.start();
    await until(() => fulfilled.length === 2);
    expect(effects).toBe(1);
    expect(second.buffer.getByIdempotencyToken("it-sender:charge:1")?.ackStage).toBe(AckStage.FULFILLED);
    await second.stop();
    await sender.stop();
  });
});
