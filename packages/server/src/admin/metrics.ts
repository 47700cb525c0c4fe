/** Registry gauges on the server's Prometheus registry (the router registers its own metrics there). */
import { Gauge, Registry } from "prom-client";
import type { Components } from "../process/modules.js";

export function createMetrics(components: Readonly<Components>): { registry: Registry } {
  // Fallback private registry: several servers in one process (tests) must not share global metrics.
  const registry = components.metrics ?? new Registry();
  if (!registry.getSingleMetric("sw4rm_registry_agents")) {
    new Gauge({
      name: "sw4rm_registry_agents",
      help: "Registered agents by availability",
      labelNames: ["available"],
      registers: [registry],
      collect() {
        const agents = components.directory?.list() ?? [];
        this.set({ available: "true" }, agents.filter((a) => a.available).length);
        this.set({ available: "false" }, agents.filter((a) => !a.available).length);
      },
    });
  }
  return { registry };
}
