/** One sw4rm server per sub-run, on a fresh data dir under the run's temp root, always stopped. */
import { join } from "node:path";
import type { BenchContext } from "../types.js";
import { type StartOptions, type Sw4rmServer, startSw4rm } from "../sw4rmServer.js";
import { withTimeout } from "../timing.js";

let serial = 0;

/** A data dir path that no other sub-run of this bench run uses. */
export function freshDataDir(ctx: BenchContext, name: string): string {
  return join(ctx.tmpRoot, `${name}-${++serial}`);
}

/** Stops with SIGTERM (so a --cpu-prof profile is written); SIGKILL if it takes over 15 s. */
export async function stopServer(server: Sw4rmServer): Promise<void> {
  try {
    await withTimeout(server.stop("SIGTERM"), 15_000, "sw4rm stop");
  } catch {
    await server.stop("SIGKILL");
  }
}

export function serverOptions(
  ctx: BenchContext,
  name: string,
  dataDir: string,
  extra: Partial<StartOptions> = {},
): StartOptions {
  return { dataDir, cpuProfileDir: ctx.profileDir, profileName: name, ...extra };
}

/** `error` with the tail of the server's stderr appended (why a run failed is often only there). */
export function withServerLog(error: unknown, server: Sw4rmServer): Error {
  const tail = server.process.stderr().trim().slice(-600);
  const base = error instanceof Error ? error : new Error(String(error));
  return tail === "" ? base : new Error(`${base.message}; server stderr: ${tail}`, { cause: error });
}

/** Starts a server on a fresh data dir, runs `fn`, and stops the server whatever happens. */
export async function withServer<T>(
  ctx: BenchContext,
  name: string,
  fn: (server: Sw4rmServer) => Promise<T>,
  extra: Partial<StartOptions> = {},
): Promise<T> {
  const server = await startSw4rm(serverOptions(ctx, name, freshDataDir(ctx, name), extra));
  try {
    return await fn(server);
  } catch (error) {
    throw withServerLog(error, server);
  } finally {
    await stopServer(server);
  }
}
