/** Optional Prometheus metrics (doc §1.14 suggested names, prom-client naming). */
import { type ErrorCode, errorCodeName } from "@sw4rm/protocol";
import { Counter, Gauge, type Registry } from "prom-client";
import type { RouterStore } from "./store.js";

export interface RouterMetrics {
  reject(code: ErrorCode): void;
}

export function createRouterMetrics(registry: Registry, store: RouterStore): RouterMetrics {
  new Gauge({
    name: "sw4rm_router_inbound_queue_depth",
    help: "Queued plus in-flight copies per recipient agent",
    labelNames: ["agent_id"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [agentId, n] of await store.queueDepths()) this.set({ agent_id: agentId }, n);
    },
  });
  const rejects = new Counter({
    name: "sw4rm_router_enqueue_rejects_total",
    help: "SendMessage submissions refused, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  return { reject: (code) => rejects.inc({ reason: errorCodeName(code).toLowerCase() }) };
}
