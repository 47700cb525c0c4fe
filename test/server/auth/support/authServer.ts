/**
 * The whole stack in-process with authentication on: like startTestServer (ephemeral 127.0.0.1
 * ports, temp data dir, ManualClock by default) plus auth/TLS settings and a captured logger.
 */
import type { Clock } from "@sw4rm/protocol";
import type { ServerConfigInput } from "@sw4rm/server";
import { startTestServer, type TestServer } from "../../../support/testServer.js";
import { type CapturedLogger, captureLogger } from "./logCapture.js";

export interface AuthServerOptions {
  readonly auth?: ServerConfigInput["auth"];
  readonly tls?: ServerConfigInput["tls"];
  readonly clock?: Clock;
  readonly config?: ServerConfigInput;
}

export interface AuthTestServer extends TestServer {
  readonly log: CapturedLogger;
}

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthTestServer> {
  const log = captureLogger();
  const server = await startTestServer({
    ...(options.clock ? { clock: options.clock } : {}),
    logger: log.logger,
    config: { registry: { notifications: false }, auth: options.auth, tls: options.tls, ...options.config },
  });
  return { ...server, log };
}
