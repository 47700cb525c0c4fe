/**
 * An Agent outlives router restarts: the server (in-process, same data dir and ports) is stopped and
 * started again RESTARTS times while a producer keeps sending, and after every restart the agent's
 * inbox resumes on both receive paths: every accepted message is handled exactly once, each outage is
 * logged, no abort listener leaks, and agent.stop() ends it.
 */
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { MessageType, systemClock } from "@sw4rm/protocol";
import { Agent, RouterClient } from "@sw4rm/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, makeTempDir, type TempDir } from "../support/index.js";
import { captureLogger, captureWarnings, queueDepth, until, untilAsync } from "./support/capture.js";

const RESTARTS = 5;
const BURST = 10;

let dir: TempDir | undefined;
let server: TestStack | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  dir?.cleanup();
});

describe.each([
  { path: "fast path (default)", fastPath: true },
  { path: "fastPath: false", fastPath: false },
])("Agent across router restarts, $path", ({ fastPath }) => {
  it(`resumes its inbox after each of ${RESTARTS} restarts under traffic`, { timeout: 120_000 }, async () => {
    const tmp = makeTempDir("sw4rm-restarts-");
    dir = tmp;
    const routerAddr = `127.0.0.1:${await freePort()}`;
    const registryAddr = `127.0.0.1:${await freePort()}`;
    const start = () =>
      startTestStack({
        dataDir: tmp.path,
        clock: systemClock,
        config: {
          router: { addr: routerAddr, options: { inboundBufferCapacity: 10_000 } },
          registry: { addr: registryAddr, notifications: false },
          // Open sessions hold a graceful stop for the whole grace; a shorter one keeps five restarts quick.
          shutdownGraceMs: 300,
        },
      });
    server = await start();
    const warnings = captureWarnings();
    const { logger, lines } = captureLogger();
    const handled = new Map<string, number>();
    const consumer = new Agent({
      agentId: "restart-consumer",
      name: "consumer",
      router: new RouterClient({ address: routerAddr, fastPath }),
      registryAddress: registryAddr,
      logger,
    }).on(MessageType.DATA, (msg) => {
      handled.set(msg.messageId, (handled.get(msg.messageId) ?? 0) + 1);
      return "ok";
    });
    const producerRouter = new RouterClient({ address: routerAddr, fastPath });
    const producer = new Agent({
      agentId: "restart-producer",
      name: "producer",
      router: producerRouter,
      registryAddress: registryAddr,
    });
    await consumer.start();
    await producer.start();

    const accepted: string[] = [];
    let n = 0;
    /** One send; a send refused or failed while the server is down is simply not counted. */
    const sendOne = async (): Promise<boolean> => {
      const env = producer.envelopes.create({ messageType: MessageType.DATA, payload: `m${n++}` });
      try {
        const res = await producerRouter.send(env, { to: "restart-consumer" });
        if (res.accepted) accepted.push(env.messageId);
        return res.accepted;
      } catch {
        return false;
      }
    };
    /** BURST accepted sends (the producer's channel may still be reconnecting right after a restart). */
    const burst = async () => {
      const target = accepted.length + BURST;
      let failures = 0;
      while (accepted.length < target) {
        if (await sendOne()) continue;
        if (++failures > 2_000) throw new Error("the producer cannot send after the restart");
        await new Promise((res) => setTimeout(res, 10));
      }
    };
    const allHandled = () => accepted.every((id) => handled.has(id));
    /** Every copy settled: nothing left un-acked in the consumer's queue (a stuck delivery stays there). */
    const drained = async () => server !== undefined && (await queueDepth(server, "restart-consumer")) === 0;

    try {
      for (let r = 1; r <= RESTARTS; r++) {
        await burst();
        // Traffic keeps flowing while the server goes down and comes back.
        let sending = true;
        const during = (async () => {
          while (sending) if (!(await sendOne())) await new Promise((res) => setTimeout(res, 5));
        })();
        await server.stop();
        server = await start();
        sending = false;
        await during;
        await burst();
        await until(allHandled, `restart ${r}: all ${accepted.length} accepted messages handled`);
        await untilAsync(drained, `restart ${r}: the consumer's queue drained`);
      }
    } finally {
      await producer.stop();
      await consumer.stop();
      producerRouter.close();
      warnings.stop();
    }

    expect(accepted.length).toBeGreaterThanOrEqual(2 * BURST * RESTARTS);
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    expect(lines.filter((l) => l.msg === "inbox connection lost; reconnecting").length).toBeGreaterThanOrEqual(RESTARTS);
    expect(lines.filter((l) => l.msg === "inbox reconnected").length).toBeGreaterThanOrEqual(RESTARTS);
    expect(lines.filter((l) => l.msg.startsWith("inbox closed"))).toEqual([]);
    expect(warnings.warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });
});
