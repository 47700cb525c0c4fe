/** The registry's admin routes and its Prometheus gauges. */
import { Gauge, type Registry } from "prom-client";
import type { AdminRoute } from "../../admin/route.js";
import type { AgentDirectory } from "../../contracts.js";
import { agentView } from "./views.js";

export function registryAdminRoutes(directory: AgentDirectory): AdminRoute[] {
  return [
    {
      method: "GET",
      pattern: /^\/v1\/agents$/,
      handler: async () => ({ agents: directory.list().map(agentView) }),
    },
  ];
}

export function registerRegistryMetrics(registry: Registry, directory: AgentDirectory): void {
  new Gauge({
    name: "sw4rm_registry_agents",
    help: "Registered agents by availability",
    labelNames: ["available"],
    registers: [registry],
    collect() {
      const agents = directory.list();
      const available = agents.filter((a) => a.available).length;
      this.set({ available: "true" }, available);
      this.set({ available: "false" }, agents.length - available);
    },
  });
}
