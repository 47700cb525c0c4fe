/**
 * Scenario 4, the router's streaming fast path (sw4rm.ext.router.v1.RouterSession), durable: the same
 * server, payloads, consumers and counting as scenario 3; sends, deliveries and acks travel batched
 * on one bidirectional stream per agent. Target: >= 1.0x JetStream's acked publish+consume rate.
 */
import { agentIds, registerAgents } from "../lib/agents.js";
import { withServer } from "../lib/router/benchServer.js";
import { trafficReadings } from "../lib/router/readings.js";
import { runSessionTraffic } from "../lib/router/sessionTraffic.js";
import type { Scenario } from "../lib/types.js";
import { CANONICAL_CONSUMERS } from "./canonical.js";

/** Sends in flight on the producer session (the fast path's batching needs a window, like JetStream's). */
export const FAST_PATH_WINDOW = 2048;
/** Credit window of each receiving session. */
export const FAST_PATH_CREDIT = 512;

export const fastPath: Scenario = {
  name: "fastpath",
  title: "4. Router streaming fast path: RouterSession send/deliver/ack batches (durable)",
  async run(ctx) {
    return withServer(ctx, "fastpath", async (server) => {
      const recipients = agentIds("consumer", CANONICAL_CONSUMERS);
      await registerAgents(server.registryAddr, recipients);
      const result = await runSessionTraffic({
        routerAddr: server.routerAddr,
        recipients,
        window: ctx.quick ? 256 : FAST_PATH_WINDOW,
        credit: FAST_PATH_CREDIT,
        payloadBytes: ctx.payloadBytes,
        warmupMs: ctx.sizes.warmupMs,
        durationMs: ctx.sizes.durationMs,
        serverPid: server.pid,
      });
      const params = {
        payloadBytes: ctx.payloadBytes,
        window: ctx.quick ? 256 : FAST_PATH_WINDOW,
        credit: FAST_PATH_CREDIT,
        consumers: CANONICAL_CONSUMERS,
      };
      return trafficReadings(result, { label: "fastpath", params });
    });
  },
};
