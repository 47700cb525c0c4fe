/**
 * `sw4rm up` as a child process on a data dir, every port chosen by the OS (port 0), with the bench
 * server configuration written to a config file beside the data dir (see benchConfig).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ReadyChild, readinessFields, spawnReady } from "./childProcess.js";

export const CLI_PATH = fileURLToPath(new URL("../../packages/server/dist/cli.js", import.meta.url));

/**
 * Router options of every bench server. The default inbound buffer (10 un-acked copies per agent,
 * spec §13) would refuse most of a closed-loop run with buffer_full; pre-queued scenarios hold 100k.
 */
export const BENCH_ROUTER_OPTIONS = { inboundBufferCapacity: 1_000_000 } as const;

/**
 * The whole config file. Registry notifications are off: with them every registration is announced
 * to every other agent through the router (1000 agents = ~500k NOTIFICATION copies before the first
 * bench message). The heartbeat window is an hour so no agent goes unavailable mid-run.
 */
export function benchConfig(routerOptions: Readonly<Record<string, number | string>> = {}) {
  return {
    router: { options: { ...BENCH_ROUTER_OPTIONS, ...routerOptions } },
    registry: { notifications: false, heartbeatIntervalMs: 3_600_000 },
    log: { level: "warn" },
  };
}

export interface Sw4rmServer {
  readonly process: ReadyChild;
  readonly pid: number;
  readonly routerAddr: string;
  readonly registryAddr: string;
  readonly dataDir: string;
  /** From spawn() to the readiness line. */
  readonly spawnToReadyMs: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  readonly dataDir: string;
  readonly routerOptions?: Readonly<Record<string, number | string>>;
  /** Write a V8 CPU profile of the server into this directory (written at exit). */
  readonly cpuProfileDir?: string;
  /** Prefix of the profile file name (the scenario and sub-run). */
  readonly profileName?: string;
}

export async function startSw4rm(options: StartOptions): Promise<Sw4rmServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const configFile = join(dirname(options.dataDir), `${options.dataDir.split("/").pop() ?? "data"}.config.json`);
  writeFileSync(configFile, JSON.stringify(benchConfig(options.routerOptions), null, 2));
  const nodeArgs: string[] = [];
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    nodeArgs.push("--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir);
    if (options.profileName) nodeArgs.push("--cpu-prof-name", `${options.profileName}.${Date.now()}.cpuprofile`);
  }
  const child = await spawnReady({
    script: CLI_PATH,
    nodeArgs,
    args: [
      "up",
      "--config",
      configFile,
      "--data-dir",
      options.dataDir,
      "--router-addr",
      "127.0.0.1:0",
      "--registry-addr",
      "127.0.0.1:0",
      "--scheduler-addr",
      "127.0.0.1:0",
      "--admin-addr",
      "127.0.0.1:0",
    ],
    readyPrefix: "sw4rm ready ",
  });
  const fields = readinessFields(child.readyLine);
  const routerAddr = fields.router;
  const registryAddr = fields.registry;
  if (!routerAddr || !registryAddr) {
    await child.stop("SIGKILL");
    throw new Error(`readiness line without router/registry address: ${child.readyLine}`);
  }
  return {
    process: child,
    pid: child.pid,
    routerAddr,
    registryAddr,
    dataDir: options.dataDir,
    spawnToReadyMs: child.readyAt - child.spawnedAt,
    stop: (signal) => child.stop(signal),
  };
}
