/** Optional Prometheus metrics (doc §1.14 suggested names, prom-client naming). */
import { type ErrorCode, errorCodeName } from "@sw4rm/protocol";
import { Counter, Gauge, type Registry } from "prom-client";
import type { RouterStats } from "./admin.js";
import type { RouterStore } from "./store.js";

export interface RouterMetrics {
  reject(code: ErrorCode): void;
}

/** A counter whose value is read from `read()` at scrape time (the router keeps the totals). */
function readCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

export function createRouterMetrics(registry: Registry, store: RouterStore, stats: () => RouterStats): RouterMetrics {
  readCounter(
    registry,
    "sw4rm_router_commit_transactions_total",
    "Group-commit transactions (admissions and acks share them)",
    () => stats().commitBatches,
  );
  readCounter(registry, "sw4rm_router_admitted_total", "Admissions committed (accepted or refused in the store)", () => stats().admittedItems);
  readCounter(registry, "sw4rm_router_acks_committed_total", "Delivery acks committed", () => stats().ackedItems);
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
