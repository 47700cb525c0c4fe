/**
 * `sw4rm up`: start the stack, print the readiness line on stdout, stop cleanly on SIGTERM/SIGINT.
 * Address flags come from the service table and setting flags from the catalog, so a new service
 * brings its own flags without edits here.
 */
import { type Command, Option } from "commander";
import {
  configFromEnv,
  LOG_LEVELS,
  type LogLevel,
  resolveConfig,
  type ServerConfigInput,
  withSettings,
} from "../process/config.js";
import { loadConfigFile } from "../process/configFile.js";
import { SERVICE_CATALOG, servedAddressKeys } from "../services/catalog.js";
import { ADDRESS_KEYS, type AddressKey, SERVICE_TABLE } from "../services/table.js";
import { STORAGE_BACKENDS } from "../storage/provider.js";
import type { CliIo } from "./io.js";

/** Parsed flags: the fixed ones below plus `<key>Addr` per address key and one per catalog setting. */
export interface UpFlags {
  readonly config?: string;
  readonly dataDir?: string;
  readonly host?: string;
  readonly backend?: string;
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
  readonly [generated: string]: string | boolean | undefined;
}

/** commander's attribute name of a long flag: --negotiation-room-addr → negotiationRoomAddr. */
const attributeOf = (flag: string) => flag.replace(/^--/, "").replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function configFromFlags(flags: UpFlags): ServerConfigInput {
  let level: LogLevel | undefined;
  if (flags.logLevel !== undefined) {
    level = LOG_LEVELS.find((l) => l === flags.logLevel?.toLowerCase());
    if (!level) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const addresses = Object.fromEntries(ADDRESS_KEYS.map((k) => [k.key, { addr: text(flags[attributeOf(k.flag)]) }]));
  const layer: ServerConfigInput = {
    ...addresses,
    dataDir: flags.dataDir,
    host: flags.host,
    storage: { backend: flags.backend },
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
  return withSettings(layer, (o) => {
    const value = o.flag === undefined ? undefined : flags[attributeOf(o.flag)];
    return value === undefined || o.flag === undefined ? undefined : { text: String(value), source: o.flag };
  });
}

/** defaults < config file < env < flags. */
export function layeredConfig(flags: UpFlags, env: Readonly<Record<string, string | undefined>>) {
  const file = flags.config ?? env.SW4RM_CONFIG;
  return resolveConfig(file ? loadConfigFile(file) : undefined, configFromEnv(env), configFromFlags(flags));
}

function addressHelp(k: AddressKey): string {
  const services = Object.values(SERVICE_TABLE).filter((s) => s.addressKeys.some((sk) => sk.key === k.key));
  const own = services.find((s) => s.addressKeys[0]?.key === k.key);
  const port = own?.port ?? services[0]?.port;
  const what = own ? `${k.key} gRPC bind address host:port` : `bind address shared by ${services.map((s) => s.name).join(", ")}`;
  return `${what} (env: ${k.env}; default :${port})`;
}

export function registerUp(program: Command, io: CliIo): void {
  const up = program
    .command("up")
    .description(
      `start the SW4RM server stack (${SERVICE_CATALOG.map((e) => e.name).join(", ")}, admin HTTP) in the foreground`,
    )
    .option("-c, --config <file>", "JSON config file (env: SW4RM_CONFIG); docs/config-reference.md lists every key")
    .option("-d, --data-dir <dir>", "directory of the durable stores (env: SW4RM_DATA_DIR; default ./.sw4rm)")
    .option("--host <host>", "bind host for addresses given without one (default 127.0.0.1)")
    .option("--backend <backend>", `storage backend: ${STORAGE_BACKENDS.join("|")} (env: SW4RM_BACKEND; default sqlite)`);
  for (const k of servedAddressKeys()) up.option(`${k.flag} <addr>`, addressHelp(k));
  up.option("--admin-addr <addr>", "admin HTTP bind address host:port (env: SW4RM_ADMIN_ADDR; default :50080)").option(
    "--no-admin",
    "do not serve the admin HTTP API",
  );
  for (const entry of SERVICE_CATALOG)
    for (const o of entry.options ?? [])
      if (o.flag) up.addOption(new Option(`${o.flag} <value>`, `${o.description}${o.env ? ` (env: ${o.env})` : ""}`));
  up.option("--log-level <level>", `log level: ${LOG_LEVELS.join("|")} (env: SW4RM_LOG_LEVEL; default info)`)
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
    .option("--insecure", "allow binding non-loopback addresses without authentication (env: SW4RM_INSECURE=1)")
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
