/**
 * Start-up rules: a non-loopback bind without authentication refuses to start (exit code, message
 * naming the address and the fixes) unless --insecure; with credentials it starts; bad auth/TLS
 * settings fail with the option to fix. `sw4rm up` runs as a child process (built dist).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, spawnServer } from "../../support/child.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { writeTokenFile } from "./support/credentials.js";

let dir: TempDir;
let tokens: string;
beforeAll(() => {
  dir = makeTempDir("sw4rm-auth-startup-");
  tokens = writeTokenFile(dir.path, { a: { agentId: "a" } }).path;
});
afterAll(() => dir?.cleanup());

const ports = (host: string) => [
  "--router-addr",
  `${host}:0`,
  "--registry-addr",
  `${host}:0`,
  "--scheduler-addr",
  `${host}:0`,
  "--admin-addr",
  `${host}:0`,
];
/** Ignore auth settings of the environment the tests run in. */
const env = { SW4RM_INSECURE: "", SW4RM_AUTH_TOKENS_FILE: "", SW4RM_TLS_MODE: "", SW4RM_TLS_CERT_FILE: "" };

describe("non-loopback binds", () => {
  it("refuses to start without authentication: exit code 1, the address and the fixes on stderr", async () => {
    const res = await runCli(["up", "--data-dir", join(dir.path, "d1"), ...ports("0.0.0.0")], { env });
    expect(res.code).toBe(1);
    expect(res.stdout).not.toMatch(/sw4rm ready/);
    expect(res.stderr).toMatch(/refusing to start: .*0\.0\.0\.0:0.* reachable from other hosts but no authentication/);
    expect(res.stderr).toMatch(/--auth-tokens <file>/);
    expect(res.stderr).toMatch(/--insecure/);
  });

  it("refuses an exposed admin HTTP address alone", async () => {
    const args = ["up", "--data-dir", join(dir.path, "d2"), ...ports("127.0.0.1"), "--admin-addr", "0.0.0.0:0"];
    const res = await runCli(args, { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/admin HTTP 0\.0\.0\.0:0/);
  });

  it("starts with --insecure, warning in the log", async () => {
    const server = await spawnServer(["up", "--data-dir", join(dir.path, "d3"), ...ports("0.0.0.0"), "--insecure"], {
      env,
    });
    expect(server.readiness).toMatch(/^sw4rm ready router=0\.0\.0\.0:\d+ /);
    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toMatch(/--insecure: callers reachable from other hosts are not authenticated/);
  });

  it("starts with SW4RM_INSECURE=1", async () => {
    const server = await spawnServer(["up", "--data-dir", join(dir.path, "d4"), ...ports("0.0.0.0")], {
      env: { ...env, SW4RM_INSECURE: "1" },
    });
    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("starts with a token file (flag or SW4RM_AUTH_TOKENS_FILE)", async () => {
    const byFlag = await spawnServer(
      ["up", "--data-dir", join(dir.path, "d5"), ...ports("0.0.0.0"), "--auth-tokens", tokens],
      { env },
    );
    expect(await byFlag.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const byEnv = await spawnServer(["up", "--data-dir", join(dir.path, "d6"), ...ports("0.0.0.0")], {
      env: { ...env, SW4RM_AUTH_TOKENS_FILE: tokens },
    });
    expect(await byEnv.stop("SIGTERM")).toEqual({ code: 0, signal: null });
  });
});

describe("unusable auth settings fail at start-up with the option to fix", () => {
  it("names an unreadable token file", async () => {
    const missing = join(dir.path, "nope.json");
    const res = await runCli(["up", "--data-dir", join(dir.path, "d7"), ...ports("127.0.0.1"), "--auth-tokens", missing], {
      env,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot read token file .*nope\.json/);
  });

  it("names a too-short JWT secret", async () => {
    const secret = join(dir.path, "short-secret");
    writeFileSync(secret, "too-short\n");
    const res = await runCli(
      ["up", "--data-dir", join(dir.path, "d8"), ...ports("127.0.0.1"), "--auth-jwt-secret", secret],
      { env },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/JWT secret .*short-secret holds 9 bytes; HS256 needs at least 32/);
  });

  it("needs --tls-ca for --tls-require-client-cert, and a valid SW4RM_TLS_MODE", async () => {
    const pem = join(dir.path, "dummy.pem");
    writeFileSync(pem, "x");
    const mtls = await runCli(
      [
        "up",
        "--data-dir",
        join(dir.path, "d9"),
        ...ports("127.0.0.1"),
        ...["--tls-cert", pem, "--tls-key", pem, "--tls-require-client-cert"],
      ],
      { env },
    );
    expect(mtls.code).toBe(1);
    expect(mtls.stderr).toMatch(/give --tls-ca \(SW4RM_TLS_CA_FILE\)/);
    const mode = await runCli(["up", "--data-dir", join(dir.path, "d10"), ...ports("127.0.0.1")], {
      env: { ...env, SW4RM_TLS_MODE: "mutual" },
    });
    expect(mode.code).toBe(1);
    expect(mode.stderr).toMatch(/SW4RM_TLS_MODE must be "tls" or "mtls", got "mutual"/);
  });
});
