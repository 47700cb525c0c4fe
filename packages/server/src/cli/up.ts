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
  readonly authTokens?: string;
  readonly authJwtSecret?: string;
  readonly authJwtPublicKey?: string;
  readonly authJwtIssuer?: string;
  readonly authJwtAudience?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
  readonly tlsRequireClientCert?: boolean;
  readonly insecure?: boolean;
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
    auth: {
      tokensFile: flags.authTokens,
      jwt: {
        secretFile: flags.authJwtSecret,
        publicKeyFile: flags.authJwtPublicKey,
        issuer: flags.authJwtIssuer,
        audience: flags.authJwtAudience,
      },
      insecure: flags.insecure,
    },
    tls: {
      certFile: flags.tlsCert,
      keyFile: flags.tlsKey,
      caFile: flags.tlsCa,
      requireClientCert: flags.tlsRequireClientCert,
    },
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
    .option(
      "--auth-tokens <file>",
      "bearer token file mapping tokens to agent ids (README: Security) (env: SW4RM_AUTH_TOKENS_FILE)",
    )
    .option("--auth-jwt-secret <file>", "accept HS256 JWTs signed with this shared secret (env: SW4RM_AUTH_JWT_SECRET_FILE)")
    .option(
      "--auth-jwt-public-key <file>",
      "accept RS256/ES256 JWTs verified with this PEM public key, JWK or JWKS (env: SW4RM_AUTH_JWT_PUBLIC_KEY_FILE)",
    )
    .option("--auth-jwt-issuer <iss>", "required JWT iss claim (env: SW4RM_AUTH_JWT_ISSUER)")
    .option("--auth-jwt-audience <aud>", "required JWT aud claim (env: SW4RM_AUTH_JWT_AUDIENCE)")
    .option("--tls-cert <file>", "serve gRPC over TLS with this PEM certificate chain (env: SW4RM_TLS_CERT_FILE)")
    .option("--tls-key <file>", "PEM private key of --tls-cert (env: SW4RM_TLS_KEY_FILE)")
    .option("--tls-ca <file>", "PEM CA bundle that client certificates must chain to (env: SW4RM_TLS_CA_FILE)")
    .option(
      "--tls-require-client-cert",
      "mTLS: require a client certificate; its CN or URI SAN sw4rm://agent/<id> is the caller (env: SW4RM_TLS_MODE=mtls)",
    )
    .option(
      "--insecure",
      "allow binding non-loopback addresses without authentication (env: SW4RM_INSECURE=1)",
    )
    .addHelpText(
      "after",
      "\nPrecedence: defaults < config file < environment < flags. Port 0 picks a free port.\n" +
        "Prints one line on stdout once every port is bound:\n" +
        "  sw4rm ready router=127.0.0.1:50051 registry=127.0.0.1:50052 scheduler=127.0.0.1:50053 admin=http://127.0.0.1:50080\n" +
        "SIGTERM/SIGINT drain streams, close storage and exit 0.\n" +
        "A non-loopback bind (e.g. --host 0.0.0.0) needs --auth-tokens, --auth-jwt-* or mTLS, or --insecure.",
    )
    .action(async (flags: UpFlags) => {
      const config = layeredConfig(flags, io.env);
      // Loaded lazily so the admin client commands start fast (no gRPC server, SQLite, pino).
      const { startServer } = await import("../process/server.js");
      const { stopOnSignals } = await import("../process/signals.js");
      const running = await startServer(config);
      // Handlers first: a supervisor may send SIGTERM as soon as it reads the readiness line.
      stopOnSignals(running.stop, running.logger);
      io.out(running.readinessLine);
    });
}
