/** Configuration from the service table and the catalog: env fallbacks, generated flags, schema errors. */
import { configFromEnv, parseConfig, resolveConfig, SERVICE_TABLE } from "@sw4rm/server";
import { describe, expect, it } from "vitest";
import { configFromFlags } from "../../../packages/server/src/cli/up.js";

describe("addresses from the service table", () => {
  it("defaults every service to its table port", () => {
    const c = resolveConfig();
    for (const [name, entry] of Object.entries(SERVICE_TABLE))
      expect(c.addresses[name as keyof typeof c.addresses]).toBe(`:${entry.port}`);
    expect(c.addresses.handoff).toBe(":50061");
    expect(c.addresses.schedulerPolicy).toBe(":50053");
  });

  it("honours the SDK's fallbacks: SW4RM_COORDINATION_ADDR moves the three coordination services unless one is set alone", () => {
    const c = resolveConfig(
      configFromEnv({ SW4RM_COORDINATION_ADDR: "127.0.0.1:7000", SW4RM_WORKFLOW_ADDR: "127.0.0.1:7001" }),
    );
    expect(c.addresses.negotiationRoom).toBe("127.0.0.1:7000");
    expect(c.addresses.handoff).toBe("127.0.0.1:7000");
    expect(c.addresses.workflow).toBe("127.0.0.1:7001");
  });

  it("moves SchedulerPolicy with the scheduler, in every layer", () => {
    expect(resolveConfig(configFromEnv({ SW4RM_SCHEDULER_ADDR: ":6000" })).addresses.schedulerPolicy).toBe(":6000");
    expect(resolveConfig({ scheduler: { addr: ":6001" } }).addresses.schedulerPolicy).toBe(":6001");
    expect(resolveConfig(configFromFlags({ schedulerAddr: ":6002" })).addresses.schedulerPolicy).toBe(":6002");
    expect(
      resolveConfig(configFromFlags({ schedulerAddr: ":6002", schedulerPolicyAddr: ":6003" })).addresses.schedulerPolicy,
    ).toBe(":6003");
  });

  it("takes --coordination-addr and SW4RM_BACKEND / --backend", () => {
    const c = resolveConfig(configFromEnv({ SW4RM_BACKEND: "memory" }), configFromFlags({ coordinationAddr: ":7100" }));
    expect(c.storage.backend).toBe("memory");
    expect(c.addresses.handoff).toBe(":7100");
    expect(() => resolveConfig(configFromEnv({ SW4RM_BACKEND: "postgres" }))).toThrow(
      'storage backend must be one of sqlite, memory, got "postgres"',
    );
  });
});

describe("config file schema", () => {
  it("names an unknown key and the valid keys of its section", () => {
    expect(() => parseConfig('{"router":{"options":{"inboundBufferCapacty":5}}}', "f.json")).toThrow(
      /^f\.json: "router\.options": unknown key "inboundBufferCapacty" \(valid keys: inboundBufferCapacity, /,
    );
    expect(() => parseConfig('{"routr":{}}', "f.json")).toThrow(/^f\.json: the config: unknown key "routr" \(valid keys: dataDir, /);
  });

  it("names a field of the wrong type and what it must be", () => {
    expect(() => parseConfig('{"router":{"options":{"inboundBufferCapacity":"lots"}}}', "f.json")).toThrow(
      'f.json: "router.options.inboundBufferCapacity" must be an integer, got "lots"',
    );
    expect(() => parseConfig('{"router":{"options":{"durability":"fast"}}}', "f.json")).toThrow(
      'f.json: "router.options.durability" must be one of power-loss, process-crash, got "fast"',
    );
    expect(() => parseConfig('{"storage":{"backend":"nats"}}', "f.json")).toThrow(
      'f.json: "storage.backend" must be one of sqlite, memory, got "nats"',
    );
  });

  it("accepts every section of the service table and a module's own settings", () => {
    const c = resolveConfig(
      parseConfig(
        JSON.stringify({
          coordination: { addr: ":7000" },
          hitl: { addr: ":7001" },
          scheduler: { enabled: false, options: { maxAttempts: 2 } },
          log: { level: "DEBUG" },
        }),
        "f.json",
      ),
    );
    expect(c.addresses.workflow).toBe(":7000");
    expect(c.addresses.hitl).toBe(":7001");
    expect(c.disabled).toEqual(["scheduler"]);
    expect(c.sections.scheduler).toEqual({ options: { maxAttempts: 2 } });
    expect(c.log.level).toBe("debug");
  });
});
