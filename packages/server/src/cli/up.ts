/** `sw4rm up`: start the stack, print the readiness line on stdout, stop cleanly on SIGTERM/SIGINT. */
import type { Command } from "commander";
import { configFromEnv, LOG_LEVELS, type LogLevel, resolveConfig, type ServerConfigInput } from "../process/config.js";
import { loadConfigFile } from "../process/configFile.js";
import type { CliIo } from "./io.js";

export interface UpFlags {
  readonly config?: string;
  readonly dataDir?: string;
  readonly host?: string;
  readonly routerAddr?: string;
  readonly registryAddr?: string;
  readonly schedulerAddr?: string;
  readonly adminAddr?: string;
  /** commander sets false for --no-admin */
  readonly admin?: boolean;
  readonly logLevel?: string;
  readonly logFile?: string;
}

export function configFromFlags(flags: UpFlags): ServerConfigInput {
  let level: LogLevel | undefined;
  if (flags.logLevel !== undefined) {
    level = LOG_LEVELS.find((l) => l === flags.logLevel?.toLowerCase());
    if (!level) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
  }
  return {
    dataDir: flags.dataDir,
    host: flags.host,
    router: { addr: flags.routerAddr },
    registry: { addr: flags.registryAddr },
    scheduler: { addr: flags.schedulerAddr },
    admin: { addr: flags.adminAddr, enabled: flags.admin === false ? false : undefined },
    log: { level, file: flags.logFile },
  };
}

/** defaults < config file < env < flags. */
export function layeredConfig(flags: UpFlags, env: Readonly<Record<string, string | undefined>>) {
  const file = flags.config ?? env.SW4RM_CONFIG;
  return resolveConfig(file ? loadConfigFile(file) : undefined, configFromEnv(env), configFromFlags(flags));
}

export function registerUp(program: Command, io: CliIo): void {
  program
    .command("up")
    .description("start the SW4RM server stack (router, registry, scheduler, admin HTTP) in the foreground")
    .option("-c, --config <file>", "JSON config file (env: SW4RM_CONFIG)")
    .option("-d, --data-dir <dir>", "directory of the durable stores (env: SW4RM_DATA_DIR; default ./.sw4rm)")
    .option("--host <host>", "bind host for addresses given without one (default 127.0.0.1)")
    .option("--router-addr <addr>", "router gRPC bind address host:port (env: SW4RM_ROUTER_ADDR; default :50051)")
    .option("--registry-addr <addr>", "registry gRPC bind address host:port (env: SW4RM_REGISTRY_ADDR; default :50052)")
    .option(
      "--scheduler-addr <addr>",
      "scheduler gRPC bind address host:port (env: SW4RM_SCHEDULER_ADDR; default :50053)",
    )
    .option("--admin-addr <addr>", "admin HTTP bind address host:port (env: SW4RM_ADMIN_ADDR; default :50080)")
    .option("--no-admin", "do not serve the admin HTTP API")
    .option("--log-level <level>", `log level: ${LOG_LEVELS.join("|")} (env: SW4RM_LOG_LEVEL; default info)`)
    .option("--log-file <file>", "write JSON logs to this file instead of stderr")
    .addHelpText(
      "after",
      "\nPrecedence: defaults < config file < environment < flags. Port 0 picks a free port.\n" +
        "Prints one line on stdout once every port is bound:\n" +
        "  sw4rm ready router=127.0.0.1:50051 registry=127.0.0.1:50052 scheduler=127.0.0.1:50053 admin=http://127.0.0.1:50080\n" +
        "SIGTERM/SIGINT drain streams, close storage and exit 0.",
    )
    .action(async (flags: UpFlags) => {
      const config = layeredConfig(flags, io.env);
      // Loaded lazily so the admin client commands start fast (no gRPC server, SQLite, pino).
      const { startServer } = await import("../process/server.js");
      const { stopOnSignals } = await import("../process/signals.js");
      const running = await startServer(config);
      io.out(running.readinessLine);
      stopOnSignals(running.stop, running.logger);
    });
}
