/** Test helpers for the SDK suites: a capturing Logger, waiting on real events, process warnings. */
import type { LogFields, LogFn, Logger } from "@sw4rm/sdk";
import type { TestStack } from "@sw4rm/testing";
import { ROUTER_ADMIN } from "@sw4rm/server";

export type LogLine = Readonly<Record<string, unknown>> & { readonly level: string; readonly msg: string };

/** A pino-shaped Logger keeping every line (bindings merged) in memory. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: LogFields): Logger => {
    const at =
      (level: string): LogFn =>
      (first: LogFields | string, message?: string) => {
        const fields = typeof first === "string" ? {} : first;
        lines.push({ ...bindings, ...fields, level, msg: typeof first === "string" ? first : (message ?? "") });
      };
    return {
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), lines };
}

/**
 * Resolves once `cond()` holds, checking after each turn of real I/O (connection attempts, server
 * restarts); rejects with `what` when it does not hold within `ms` (a hang guard, not a timing check).
 */
export async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** until() for a condition that needs I/O to check (e.g. an admin query). */
export async function untilAsync(cond: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Collects process warnings (e.g. MaxListenersExceededWarning) until `stop()`. */
export function captureWarnings(): { warnings: Error[]; stop(): void } {
  const warnings: Error[] = [];
  const on = (w: Error) => warnings.push(w);
  process.on("warning", on);
  return { warnings, stop: () => process.off("warning", on) };
}

/** Un-acked copies queued for `agentId` on the server (0 when none). */
export async function queueDepth(server: TestStack, agentId: string): Promise<number> {
  const depths: unknown = await server.get(ROUTER_ADMIN)?.queueDepths();
  if (!(depths instanceof Map)) throw new Error("routerAdmin.queueDepths() did not return a Map");
  return Number(depths.get(agentId) ?? 0);
}
