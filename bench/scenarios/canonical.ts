/**
 * Scenario 3, the router's canonical path, durable: producers SendMessage (generated client,
 * `concurrency` calls in flight, the same as the unary echo ceiling) -> consumers StreamIncoming ->
 * AckDelivery for every item. The end-to-end rate counts acked messages in the window.
 */
import { agentIds, registerAgents } from "../lib/agents.js";
import { attempt } from "../lib/measure.js";
import { withServer } from "../lib/router/benchServer.js";
import { trafficReadings } from "../lib/router/readings.js";
import { runTraffic } from "../lib/router/traffic.js";
import type { BenchContext, Measurement, Scenario } from "../lib/types.js";

/** Consumer agents the producers spread over (round robin). */
export const CANONICAL_CONSUMERS = 4;

/**
 * The default (durability "power-loss": every commit fsynced before the answer) is the number the
 * target is judged on; "process-crash" (commits reach the OS, fsync at checkpoints) is context.
 */
const VARIANTS = [
  { label: "canonical", routerOptions: {} },
  { label: "canonical, durability=process-crash", routerOptions: { durability: "process-crash" } },
] as const;

async function measure(ctx: BenchContext, variant: (typeof VARIANTS)[number]): Promise<Measurement[]> {
  return withServer(
    ctx,
    variant.label.replace(/[^a-z]+/g, "-"),
    async (server) => {
      const recipients = agentIds("consumer", CANONICAL_CONSUMERS);
      await registerAgents(server.registryAddr, recipients);
      const result = await runTraffic({
        routerAddr: server.routerAddr,
        recipients,
        mode: { kind: "closed", concurrency: ctx.concurrency },
        payloadBytes: ctx.payloadBytes,
        warmupMs: ctx.sizes.warmupMs,
        durationMs: ctx.sizes.durationMs,
        serverPid: server.pid,
        consumerProcess: ctx.consumerProcess,
      });
      const params = {
        payloadBytes: ctx.payloadBytes,
        concurrency: ctx.concurrency,
        consumers: CANONICAL_CONSUMERS,
        durability: "durability" in variant.routerOptions ? variant.routerOptions.durability : "power-loss (default)",
      };
      return trafficReadings(result, { label: variant.label, params });
    },
    { routerOptions: variant.routerOptions },
  );
}

export const canonical: Scenario = {
  name: "canonical",
  title: "3. Router canonical path: SendMessage -> StreamIncoming -> AckDelivery (durable)",
  async run(ctx) {
    const out: Measurement[] = [];
    for (const variant of VARIANTS) {
      ctx.log(`  ${variant.label}`);
      const params = { payloadBytes: ctx.payloadBytes, concurrency: ctx.concurrency };
      out.push(...(await attempt(`${variant.label}: run`, params, () => measure(ctx, variant))));
    }
    return out;
  },
};
