import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { configFromEnv, loadConfigFile, parseBindAddress, parseConfig, resolveConfig } from "@sw4rm/server";
import { afterEach, describe, expect, it } from "vitest";
import { configFromFlags, layeredConfig } from "../../../packages/server/src/cli/up.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";

describe("config layering: defaults < file < env < flags", () => {
  let dir: TempDir | undefined;
  afterEach(() => dir?.cleanup());

  it("has the documented defaults", () => {
    const c = resolveConfig();
    expect(c).toMatchObject({
      dataDir: ".sw4rm",
      host: "127.0.0.1",
      addresses: { router: ":50051", registry: ":50052" },
      adminAddr: ":50080",
      storage: { backend: "sqlite" },
      sections: {},
    });
  });

  it("file < env < flags, field by field", () => {
    dir = makeTempDir();
    const file = join(dir.path, "sw4rm.json");
    writeFileSync(
      file,
      JSON.stringify({
        dataDir: "/from-file",
        router: { addr: "0.0.0.0:1001" },
        registry: { addr: ":1002", missedHeartbeats: 5 },
        admin: { addr: ":1003" },
        log: { level: "debug" },
      }),
    );
    const env = { SW4RM_REGISTRY_ADDR: "http://localhost:2002", SW4RM_ADMIN_ADDR: ":2003" };
    const c = layeredConfig({ config: file, adminAddr: ":3003" }, env);
    expect(c.dataDir).toBe("/from-file");
    expect(c.addresses.router).toBe("0.0.0.0:1001"); // file only
    expect(c.addresses.registry).toBe("http://localhost:2002"); // env beats file
    expect(c.adminAddr).toBe(":3003"); // flag beats env
    expect(c.sections.registry?.missedHeartbeats).toBe(5);
    expect(c.log.level).toBe("debug");
  });

  it("reads SW4RM_CONFIG when --config is absent, and --no-admin disables the admin API", () => {
    dir = makeTempDir();
    const file = join(dir.path, "c.json");
    writeFileSync(file, JSON.stringify({ dataDir: "/x" }));
    const c = layeredConfig({ admin: false }, { SW4RM_CONFIG: file });
    expect(c.dataDir).toBe("/x");
    expect(c.adminAddr).toBeNull();
  });

  it("maps SDK log level names from SW4RM_LOG_LEVEL", () => {
    expect(configFromEnv({ SW4RM_LOG_LEVEL: "WARNING" }).log?.level).toBe("warn");
  });

  it("rejects a bad --log-level", () => {
    expect(() => configFromFlags({ logLevel: "loud" })).toThrow(/--log-level must be one of/);
  });

  it("names the file and field of a bad config", () => {
    expect(() => parseConfig("{", "/etc/x.json")).toThrow(/^\/etc\/x\.json: not valid JSON/);
    expect(() => parseConfig('{"registry":{"missedHeartbeats":0}}', "f.json")).toThrow(
      'f.json: "registry.missedHeartbeats" must be an integer >= 1',
    );
    expect(() => parseConfig('{"log":{"level":"loud"}}', "f.json")).toThrow(/"log.level" must be one of/);
    expect(() => loadConfigFile("/nonexistent/sw4rm.json")).toThrow(
      /cannot read config file \/nonexistent\/sw4rm.json/,
    );
  });
});

describe("parseBindAddress", () => {
  it.each([
    ["127.0.0.1:50051", { host: "127.0.0.1", port: 50051 }],
    [":0", { host: "127.0.0.1", port: 0 }],
    ["8080", { host: "127.0.0.1", port: 8080 }],
    ["http://localhost:50052", { host: "localhost", port: 50052 }],
    ["[::1]:9000", { host: "[::1]", port: 9000 }],
  ])("%s", (input, expected) => {
    expect(parseBindAddress(input)).toEqual(expected);
  });

  it("rejects garbage with the value in the message", () => {
    expect(() => parseBindAddress("host:99999")).toThrow(/invalid address "host:99999"/);
  });
});
