/** Structured JSON logs (pino) to stderr or a file; stdout is reserved for the readiness line. */
import { pino } from "pino";
import type { Logger } from "../contracts.js";
import type { LogLevel } from "./config.js";

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Append JSON lines here instead of stderr. */
  readonly file?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  // Synchronous writes: a crash (or kill -9) must not swallow the last lines explaining it.
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: true })
    : pino.destination({ fd: 2, sync: true });
  return pino({ level: options.level, base: { service: "sw4rm" } }, destination);
}

/** A logger that drops everything (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
