/**
 * The whole stack in-process with authentication on: like startTestServer (ephemeral 127.0.0.1
 * ports, temp data dir, ManualClock by default) plus auth/TLS settings and a captured logger.
 */
import { type Clock, ManualClock } from "@sw4rm/protocol";
import { type RunningServer, resolveConfig, type ServerConfigInput, startServer } from "@sw4rm/server";
import { makeTempDir } from "../../../support/tempDir.js";
import { type CapturedLogger, captureLogger } from "./logCapture.js";

export interface AuthServerOptions {
  readonly auth?: ServerConfigInput["auth"];
  readonly tls?: ServerConfigInput["tls"];
  readonly clock?: Clock;
  readonly config?: ServerConfigInput;
}

export interface AuthTestServer extends RunningServer {
  readonly clock: Clock;
  readonly routerAddr: string;
  readonly registryAddr: string;
  readonly schedulerAddr: string;
  readonly adminUrl: string;
  readonly log: CapturedLogger;
  cleanup(): Promise<void>;
}

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthTestServer> {
  const temp = makeTempDir("sw4rm-auth-");
  const clock = options.clock ?? new ManualClock();
  const log = captureLogger();
  const config = resolveConfig(
    {
      dataDir: temp.path,
      host: "127.0.0.1",
      router: { addr: "127.0.0.1:0" },
      registry: { addr: "127.0.0.1:0", notifications: false },
      scheduler: { addr: "127.0.0.1:0" },
      admin: { addr: "127.0.0.1:0" },
      shutdownGraceMs: 1_000,
      auth: options.auth,
      tls: options.tls,
    },
    options.config,
  );
  let running: RunningServer;
  try {
    running = await startServer(config, { clock, logger: log.logger });
  } catch (err) {
    temp.cleanup();
    throw err;
  }
  return {
    ...running,
    clock,
    log,
    routerAddr: running.addresses.router ?? "",
    registryAddr: running.addresses.registry ?? "",
    schedulerAddr: running.addresses.scheduler ?? "",
    adminUrl: running.adminUrl ?? "",
    async cleanup() {
      await running.stop();
      temp.cleanup();
    },
  };
}
