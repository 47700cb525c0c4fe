/**
 * The SDK's logging contract, pino's call shape: `log.info(fields, message)` or `log.info(message)`,
 * and `child(bindings)`. A pino logger can be passed as is; the SDK never logs to stdout on its own.
 *
 * Field names are snake_case, as on the wire and in the server's logs (`agent_id`, `message_id`,
 * `task_id`, `correlation_id`, `seq`, `err`); every SDK line carries a `component` from
 * SDK_LOG_COMPONENTS.
 */
export type LogFields = Record<string, unknown>;

export interface LogFn {
  (fields: LogFields, message?: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}

/** The SDK parts that log, as the `component` field of their lines. */
export const SDK_LOG_COMPONENTS = ["agent", "message_processor", "ack_lifecycle", "router_client"] as const;
export type SdkLogComponent = (typeof SDK_LOG_COMPONENTS)[number];

/** `logger` with `component` bound (the one way SDK classes derive their logger). */
export function componentLogger(logger: Logger, component: SdkLogComponent): Logger {
  return logger.child({ component });
}

const noop = () => {};
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

/** JSON for log values: bigint as a string, an Error as `{type, message, code?}`. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { type: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}

/** Logs JSON lines to stderr at or above `level` (`context` is bound to every line). */
export function consoleLogger(level: Level = "info", context: LogFields = {}): Logger {
  const min = LEVELS.indexOf(level);
  const make = (bindings: LogFields): Logger => {
    const at =
      (l: Level): LogFn =>
      (first: LogFields | string, message?: string): void => {
        if (LEVELS.indexOf(l) < min) return;
        const fields = typeof first === "string" ? {} : first;
        const msg = typeof first === "string" ? first : message;
        const line = { level: l, time: new Date().toISOString(), ...bindings, ...fields, msg };
        process.stderr.write(`${JSON.stringify(line, jsonValue)}\n`);
      };
    return {
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make(context);
}
