/**
 * startTestServer(): the whole stack in-process on ephemeral ports (127.0.0.1:0), real SQLite files in
 * a temp dir, silent logs (set SW4RM_TEST_LOG_LEVEL=debug to see them), optional ManualClock.
 *
 *   const server = await startTestServer({ clock });
 *   ... server.routerAddr, server.registryAddr, server.adminUrl, server.components.directory ...
 *   await server.cleanup(); // stop + remove the temp dir (unless you passed your own dataDir)
 */
import { type Clock, ManualClock } from "@sw4rm/protocol";
import {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  type RunningServer,
  resolveConfig,
  type ServerConfigInput,
  type ServiceModule,
  startServer,
} from "@sw4rm/server";
import { makeTempDir } from "./tempDir.js";

export interface TestServerOptions {
  /** Reuse a directory (restart tests); default a fresh temp dir removed by cleanup(). */
  readonly dataDir?: string;
  /** Default: a new ManualClock (time moves only with clock.advance). Pass systemClock for real time. */
  readonly clock?: Clock;
  /** Extra config layered over the test defaults (ports 0, admin on). */
  readonly config?: ServerConfigInput;
  readonly modules?: readonly ServiceModule[];
  /** Default: a silent pino logger (SW4RM_TEST_LOG_LEVEL to see it). */
  readonly logger?: Logger;
}

export interface TestServer extends RunningServer {
  readonly dataDir: string;
  readonly clock: Clock;
  /** "127.0.0.1:<port>" */
  readonly routerAddr: string;
  readonly registryAddr: string;
  readonly schedulerAddr: string;
  /** "http://127.0.0.1:<port>" */
  readonly adminUrl: string;
  /** stop() and delete the temp dir when this helper created it. */
  cleanup(): Promise<void>;
}

function testLogLevel(): LogLevel {
  const wanted = process.env.SW4RM_TEST_LOG_LEVEL?.toLowerCase();
  return LOG_LEVELS.find((l) => l === wanted) ?? "silent";
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const temp = options.dataDir === undefined ? makeTempDir() : undefined;
  const dataDir = options.dataDir ?? temp?.path ?? "";
  const clock = options.clock ?? new ManualClock();
  const level = testLogLevel();
  const config = resolveConfig(
    {
      dataDir,
      host: "127.0.0.1",
      router: { addr: "127.0.0.1:0" },
      registry: { addr: "127.0.0.1:0" },
      scheduler: { addr: "127.0.0.1:0" },
      admin: { addr: "127.0.0.1:0" },
      log: { level },
      shutdownGraceMs: 1_000,
    },
    options.config,
  );
  let running: RunningServer;
  try {
    running = await startServer(config, {
      clock,
      modules: options.modules,
      logger: options.logger ?? createLogger({ level }),
    });
  } catch (err) {
    temp?.cleanup();
    throw err;
  }
  return {
    ...running,
    dataDir,
    clock,
    routerAddr: running.addresses.router ?? "",
    registryAddr: running.addresses.registry ?? "",
    schedulerAddr: running.addresses.scheduler ?? "",
    adminUrl: running.adminUrl ?? "",
    async cleanup() {
      await running.stop();
      temp?.cleanup();
    },
  };
}
