/** Catalog entry of the registry (RegistryService, port 50052). */
import { type CatalogEntry, schema } from "../entry.js";
import { registerRegistryCommands } from "./cli.js";

export const registryEntry: CatalogEntry = {
  name: "registry",
  description: "Agent descriptors, heartbeats, availability, join/leave/state notifications",
  serves: ["registry"],
  settings: {
    heartbeatIntervalMs: schema.int(1, "Expected heartbeat interval in ms (default 30000)"),
    missedHeartbeats: schema.int(1, "Missed intervals before an agent is marked unavailable (default 3)"),
    notifications: schema.bool("Announce join/leave/state changes to agents (default true)"),
  },
  adminPaths: ["/v1/agents"],
  cli: registerRegistryCommands,
  load: async () => (await import("./module.js")).registryModule,
};
