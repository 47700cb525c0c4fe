/**
 * The whole stack in-process with authentication on: like startTestStack (ephemeral 127.0.0.1
 * ports, temp data dir, ManualClock by default) plus auth/TLS settings and a captured logger.
 */
import { startTestStack, type TestStack } from "@sw4rm/testing";
import type { Clock } from "@sw4rm/protocol";
import type { ServerConfigInput } from "@sw4rm/server";
import { type CapturedLogger, captureLogger } from "./logCapture.js";

export interface AuthServerOptions {
  readonly auth?: ServerConfigInput["auth"];
  readonly tls?: ServerConfigInput["tls"];
  readonly clock?: Clock;
  readonly config?: ServerConfigInput;
}

export interface AuthTestServer extends TestStack {
  readonly log: CapturedLogger;
}

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthTestServer> {
  const log = captureLogger();
  const server = await startTestStack({
    ...(options.clock ? { clock: options.clock } : {}),
    logger: log.logger,
    config: { registry: { notifications: false }, auth: options.auth, tls: options.tls, ...options.config },
  });
  return { ...server, log };
}
