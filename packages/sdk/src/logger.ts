/** A small structured logger (pino-compatible shape); the SDK never logs to stdout on its own. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Logs JSON lines to stderr at or above `level`. */
export function consoleLogger(
  level: "debug" | "info" | "warn" | "error" = "info",
  context: Record<string, unknown> = {},
): Logger {
  const order = ["debug", "info", "warn", "error"] as const;
  const min = order.indexOf(level);
  const at =
    (l: (typeof order)[number]) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (order.indexOf(l) >= min)
        process.stderr.write(
          `${JSON.stringify({ level: l, time: new Date().toISOString(), msg: message, ...context, ...fields }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`,
        );
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
