/**
 * startTestStack(): the real SW4RM services in-process on ephemeral ports (127.0.0.1:0), with SQLite
 * files in a temp dir (default) or memory stores, silent logs, and a ManualClock unless you pass one.
 *
 *   const stack = await startTestStack();
 *   const agent = new Agent({ agentId: "a", name: "A", ...stack.agentAddresses() });
 *   stack.clock.advance(30_000);      // leases, TTLs, deadlines move only when you say so
 *   await stack.restart();            // same data, same ports: what a crash-and-restart looks like
 *   await stack.cleanup();            // stops and removes the temp dir
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, ManualClock, type ServiceName } from "@sw4rm/protocol";
import {
  type ComponentKey,
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  type RunningServer,
  resolveConfig,
  type ServerConfig,
  type ServerConfigInput,
  type ServiceModule,
  startServer,
  type StorageBackend,
} from "@sw4rm/server";

export interface TestStackOptions {
  /** "sqlite" (default: real files in a temp dir, restartable) or "memory" (nothing survives restart()). */
  readonly backend?: StorageBackend;
  /** Reuse a directory (restart tests across stacks); default a fresh temp dir removed by stop(). */
  readonly dataDir?: string;
  /** Default: a new ManualClock (time moves only with clock.advance). Pass systemClock for real time. */
  readonly clock?: Clock;
  /** Extra config layered over the test defaults (every port 0, admin on). */
  readonly config?: ServerConfigInput;
  /** Services to host; default every service `sw4rm up` hosts. */
  readonly modules?: readonly ServiceModule[];
  /** Default: a silent pino logger (set SW4RM_TEST_LOG_LEVEL=debug to see it). */
  readonly logger?: Logger;
}

export interface TestStack {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** Bound "127.0.0.1:<port>" per hosted service. */
  readonly addresses: Readonly<Partial<Record<ServiceName, string>>>;
  readonly routerAddr: string;
  readonly registryAddr: string;
  readonly schedulerAddr: string;
  /** "http://127.0.0.1:<port>" */
  readonly adminUrl: string;
  /** The line `sw4rm up` would print once every port is bound. */
  readonly readinessLine: string;
  /** The running server (replaced by restart()). */
  readonly server: RunningServer;
  /** A component some running module provides. */
  get<T>(key: ComponentKey<T>): T | undefined;
  /** `{ routerAddress, registryAddress, schedulerAddress }` for `new Agent({...})` and the SDK clients. */
  agentAddresses(): { routerAddress: string; registryAddress: string; schedulerAddress: string };
  /** Stops the server and starts it again on the same data directory and the same ports. */
  restart(): Promise<void>;
  /** Stops the server (idempotent); its data stays for another stack on the same dataDir. */
  stop(): Promise<void>;
  /** stop(), then removes the temp dir when this helper created it. Call it in afterEach/finally. */
  cleanup(): Promise<void>;
}

function testLogLevel(): LogLevel {
  const wanted = process.env.SW4RM_TEST_LOG_LEVEL?.toLowerCase();
  return LOG_LEVELS.find((l) => l === wanted) ?? "silent";
}

/** Every service on 127.0.0.1:0, each on its own free port. */
function ephemeralAddresses(): ServerConfigInput {
  const keys = Object.keys(resolveConfig().addresses);
  return Object.fromEntries(keys.map((k) => [k, { addr: "127.0.0.1:0" }])) as ServerConfigInput;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const temp = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), "sw4rm-test-")) : undefined;
  const dataDir = options.dataDir ?? temp ?? "";
  const removeTemp = () => {
    if (temp) rmSync(temp, { recursive: true, force: true });
  };
  const clock = options.clock ?? new ManualClock();
  const level = testLogLevel();
  const logger = options.logger ?? createLogger({ level });
  const base = resolveConfig(
    {
      ...ephemeralAddresses(),
      dataDir,
      host: "127.0.0.1",
      storage: { backend: options.backend ?? "sqlite" },
      admin: { addr: "127.0.0.1:0" },
      log: { level },
      shutdownGraceMs: 1_000,
    },
    options.config,
  );
  const start = (config: ServerConfig) => startServer(config, { clock, modules: options.modules, logger });
  let server: RunningServer;
  try {
    server = await start(base);
  } catch (err) {
    removeTemp();
    throw err;
  }
  const addr = (s: ServiceName) => server.addresses[s] ?? "";
  const stack: TestStack = {
    dataDir,
    clock,
    logger,
    get config() {
      return server.config;
    },
    get addresses() {
      return server.addresses;
    },
    get routerAddr() {
      return addr("router");
    },
    get registryAddr() {
      return addr("registry");
    },
    get schedulerAddr() {
      return addr("scheduler");
    },
    get adminUrl() {
      return server.adminUrl ?? "";
    },
    get readinessLine() {
      return server.readinessLine;
    },
    get server() {
      return server;
    },
    get: (key) => server.get(key),
    agentAddresses: () => ({
      routerAddress: addr("router"),
      registryAddress: addr("registry"),
      schedulerAddress: addr("scheduler"),
    }),
    async restart() {
      const previous = server;
      await previous.stop();
      // Same ports: clients reconnect to the addresses they already know.
      const pinned = Object.fromEntries(
        Object.entries(previous.addresses).map(([service, address]) => [service, { addr: address }]),
      ) as ServerConfigInput;
      const adminPort = previous.adminUrl ? new URL(previous.adminUrl).port : undefined;
      server = await start(
        resolveConfig(base, pinned, adminPort ? { admin: { addr: `127.0.0.1:${adminPort}` } } : undefined),
      );
    },
    async stop() {
      await server.stop();
    },
    async cleanup() {
      await server.stop();
      removeTemp();
    },
  };
  return stack;
}
