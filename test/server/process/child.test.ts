/**
 * `sw4rm up` as a child process (built dist; `npx tsc -b` first). Kill -9 and corrupt-store behaviour
 * lives in the crash suite (test/crash, `npm run test:crash`).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ChildServer, spawnServer } from "../../support/child.js";
import { checkHealth } from "../../support/health.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";

const PORTS = [
  "--router-addr",
  "127.0.0.1:0",
  "--registry-addr",
  "127.0.0.1:0",
  "--scheduler-addr",
  "127.0.0.1:0",
  "--admin-addr",
  "127.0.0.1:0",
];

describe("sw4rm up (child process)", () => {
  let dir: TempDir;
  let server: ChildServer | undefined;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) await server.stop("SIGKILL");
    server = undefined;
    dir.cleanup();
  });

  it("prints one readiness line with the real ports, serves health, exits 0 on SIGTERM", async () => {
    server = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]);
    expect(server.readiness).toMatch(
      /^sw4rm ready router=127\.0\.0\.1:\d+ registry=127\.0\.0\.1:\d+ scheduler=127\.0\.0\.1:\d+ admin=http:\/\/127\.0\.0\.1:\d+$/,
    );
    expect(server.addresses.router).not.toMatch(/:0$/);
    expect(await checkHealth(server.addresses.router ?? "")).toBe("SERVING");
    expect(await checkHealth(server.addresses.registry ?? "", "sw4rm.registry.RegistryService")).toBe("SERVING");
    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    // stderr carries JSON logs only; stdout carried only the readiness line.
    const lines = server.stderr().trim().split("\n");
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.some((l) => JSON.parse(l).msg === "stopped")).toBe(true);
  });

  it("honours SW4RM_ROUTER_ADDR / SW4RM_REGISTRY_ADDR / SW4RM_SCHEDULER_ADDR", async () => {
    server = await spawnServer(["up", "--data-dir", dir.path, "--admin-addr", "127.0.0.1:0"], {
      env: {
        SW4RM_ROUTER_ADDR: "127.0.0.1:0",
        SW4RM_REGISTRY_ADDR: "http://127.0.0.1:0",
        SW4RM_SCHEDULER_ADDR: "127.0.0.1:0",
      },
    });
    expect(server.addresses.router).toMatch(/^127\.0\.0\.1:[1-9]/);
    expect(server.addresses.registry).toMatch(/^127\.0\.0\.1:[1-9]/);
    expect(server.addresses.scheduler).toMatch(/^127\.0\.0\.1:[1-9]/);
  });
});

describe("data directory lock", () => {
  let dir: TempDir;
  const servers: ChildServer[] = [];
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    for (const s of servers.splice(0))
      if (s.child.exitCode === null && s.child.signalCode === null) await s.stop("SIGKILL");
    dir.cleanup();
  });

  it("refuses a second `sw4rm up` on the same data dir naming the holder's PID, and is released by kill -9", async () => {
    const first = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]);
    servers.push(first);
    const refused = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain(`data directory ${dir.path} is locked by PID ${first.child.pid}`);
    // The kernel drops the lock with the process: no stale lock file blocks a restart.
    await first.stop("SIGKILL");
    const second = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]);
    servers.push(second);
    expect(await checkHealth(second.addresses.router ?? "")).toBe("SERVING");
  });
});
