/** A pino logger whose JSON lines are kept in memory, to assert on refusal logs. */
import { pino } from "pino";
import type { Logger } from "@sw4rm/server";

export type LogLine = Readonly<Record<string, unknown>>;

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /** Lines of auth refusals (event "auth_refused"). */
  refusals(): LogLine[];
}

export function captureLogger(): CapturedLogger {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "info", base: { service: "sw4rm" } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines, refusals: () => lines.filter((l) => l.event === "auth_refused") };
}
