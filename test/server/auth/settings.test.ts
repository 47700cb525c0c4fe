/** Auth/TLS settings: layering (defaults < file < env < flags), what counts as loopback, what enables auth. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  authEnabled,
  checkExposure,
  configFromEnv,
  defaultConfig,
  isLoopbackHost,
  loadConfigFile,
  resolveConfig,
} from "@sw4rm/server";
import { describe, expect, it } from "vitest";
import { configFromFlags } from "../../../packages/server/src/cli/up.js";
import { makeTempDir } from "../../support/tempDir.js";

describe("auth settings", () => {
  it("are off by default, so a loopback server without credentials behaves as before", () => {
    const c = defaultConfig();
    expect(c.auth).toEqual({ jwt: {}, insecure: false });
    expect(authEnabled(c.auth, c.tls)).toBe(false);
  });

  it("layer config file < env < flags", () => {
    const dir = makeTempDir();
    try {
      const file = join(dir.path, "sw4rm.json");
      writeFileSync(
        file,
        JSON.stringify({
          auth: { tokensFile: "/file/tokens.json", jwt: { issuer: "file-iss", audience: "file-aud" }, insecure: true },
          tls: { certFile: "/file/cert.pem", keyFile: "/file/key.pem", requireClientCert: false },
        }),
      );
      const env = configFromEnv({
        SW4RM_AUTH_JWT_ISSUER: "env-iss",
        SW4RM_TLS_CA_FILE: "/env/ca.pem",
        SW4RM_TLS_MODE: "mtls",
        SW4RM_INSECURE: "false",
      });
      const flags = configFromFlags({ authJwtSecret: "/flag/secret", tlsKey: "/flag/key.pem" });
      const c = resolveConfig(loadConfigFile(file), env, flags);
      expect(c.auth).toEqual({
        tokensFile: "/file/tokens.json",
        jwt: { issuer: "env-iss", audience: "file-aud", secretFile: "/flag/secret" },
        insecure: false,
      });
      expect(c.tls).toEqual({
        certFile: "/file/cert.pem",
        keyFile: "/flag/key.pem",
        caFile: "/env/ca.pem",
        requireClientCert: true,
      });
    } finally {
      dir.cleanup();
    }
  });

  it("reject a wrongly typed config-file field, naming it", () => {
    const dir = makeTempDir();
    try {
      const file = join(dir.path, "bad.json");
      writeFileSync(file, JSON.stringify({ tls: { requireClientCert: "yes" } }));
      expect(() => loadConfigFile(file)).toThrow(/"tls\.requireClientCert" must be true or false/);
    } finally {
      dir.cleanup();
    }
  });

  it("count mTLS (required client certificates) as authentication, plain TLS not", () => {
    const auth = { jwt: {}, insecure: false };
    expect(authEnabled(auth, { certFile: "c", keyFile: "k", requireClientCert: false })).toBe(false);
    expect(authEnabled(auth, { certFile: "c", keyFile: "k", caFile: "ca", requireClientCert: true })).toBe(true);
    expect(authEnabled({ ...auth, jwt: { publicKeyFile: "p" } }, { requireClientCert: false })).toBe(true);
  });
});

describe("exposure rule", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.5", false],
    ["example.com", false],
  ])("isLoopbackHost(%s) = %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it("refuses exposed binds only without auth and without --insecure", () => {
    const binds = [
      { label: "router 0.0.0.0:50051", host: "0.0.0.0" },
      { label: "admin HTTP 127.0.0.1:50080", host: "127.0.0.1" },
    ];
    expect(() => checkExposure(binds, false, false)).toThrow(/router 0\.0\.0\.0:50051 is reachable from other hosts/);
    expect(checkExposure(binds, true, false)).toHaveLength(1);
    expect(checkExposure(binds, false, true)).toHaveLength(1);
    expect(checkExposure([binds[1]!], false, false)).toEqual([]);
  });
});
