/**
 * `sw4rm doctor`: resolves every service address the way the SDK does (argument > SW4RM_*_ADDR >
 * default port), checks grpc.health.v1 on each, prints a table and says what to fix.
 */
import { readFileSync } from "node:fs";
import { credentials } from "@grpc/grpc-js";
import { resolveServiceAddress, SERVICE_ENDPOINTS, SERVICE_NAMES, type ServiceName } from "@sw4rm/protocol";
import { SERVICE_CATALOG } from "../services/catalog.js";
import { GRPC_SERVICE_NAMES } from "../services/table.js";
import type { Command } from "commander";
import { checkServiceHealth, type HealthVerdict } from "./healthCheck.js";
import type { CliIo } from "./io.js";
import { formatTable } from "./table.js";

/** What `sw4rm up` serves: every service of a catalog module. */
const SERVED_BY_UP: readonly ServiceName[] = SERVICE_CATALOG.flatMap((e) => e.serves);

/** Services an agent cannot work without; doctor fails when one of them is not serving. */
const ESSENTIAL: readonly ServiceName[] = ["router", "registry"];

export interface DoctorRow {
  readonly service: ServiceName;
  readonly grpcService: string;
  readonly address: string;
  readonly source: string;
  readonly verdict: HealthVerdict;
  readonly detail: string;
  readonly fix: string;
}

function fixFor(service: ServiceName, verdict: HealthVerdict, address: string): string {
  const env = SERVICE_ENDPOINTS[service].env[0] ?? "";
  switch (verdict) {
    case "SERVING":
      return "";
    case "UNREACHABLE":
      return SERVED_BY_UP.includes(service)
        ? `nothing answers at ${address}: start it (\`sw4rm up\`) or point ${env} at the right host:port ` +
            "(a TLS server needs --tls-ca, and --tls-cert/--tls-key for mTLS)"
        : `nothing answers at ${address}; \`sw4rm up\` does not serve this service yet: point ${env} at a server that does`;
    case "NOT_HOSTED":
      return `the server at ${address} does not host ${GRPC_SERVICE_NAMES[service]}: set ${env} to where it runs`;
    case "NOT_SERVING":
      return "the service reports NOT_SERVING: check the server's logs";
    default:
      return `health check failed at ${address}: check the server's logs and ${env}`;
  }
}

/** TLS for the health checks: a CA file (server-authenticated TLS), plus a client certificate/key for mTLS. */
export interface DoctorTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

function channelCredentials(tls: DoctorTls | undefined, impliedTls: boolean) {
  if (!tls?.ca && !tls?.cert && !impliedTls) return credentials.createInsecure();
  const read = (file: string | undefined) => (file ? readFileSync(file) : null);
  return credentials.createSsl(read(tls?.ca), read(tls?.key), read(tls?.cert));
}

export async function runDoctor(env: Readonly<Record<string, string | undefined>>, timeoutMs: number, tls?: DoctorTls) {
  return Promise.all(
    SERVICE_NAMES.map(async (service): Promise<DoctorRow> => {
      const resolved = resolveServiceAddress(service, undefined, env);
      const grpcService = GRPC_SERVICE_NAMES[service];
      const creds = channelCredentials(tls, resolved.tls);
      const health = await checkServiceHealth(resolved.target, grpcService, timeoutMs, creds);
      return {
        service,
        grpcService,
        address: resolved.target,
        source: resolved.source,
        verdict: health.verdict,
        detail: health.detail,
        fix: fixFor(service, health.verdict, resolved.target),
      };
    }),
  );
}

export function registerDoctor(program: Command, io: CliIo): void {
  program
    .command("doctor")
    .description("check every SW4RM service address (SW4RM_*_ADDR or default port) with grpc.health.v1")
    .option("--timeout-ms <ms>", "per-service health check deadline", "2000")
    .option("--json", "print the results as JSON")
    .option("--tls-ca <file>", "check over TLS, trusting this PEM CA bundle (env: SW4RM_TLS_CA_FILE)")
    .option("--tls-cert <file>", "client certificate for servers that require one (mTLS)")
    .option("--tls-key <file>", "private key of --tls-cert")
    .action(async (flags: { timeoutMs: string; json?: boolean; tlsCa?: string; tlsCert?: string; tlsKey?: string }) => {
      const timeoutMs = Number(flags.timeoutMs);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
        throw new Error(`--timeout-ms must be a positive number, got "${flags.timeoutMs}"`);
      const ca = flags.tlsCa ?? (io.env.SW4RM_TLS_CA_FILE?.trim() || undefined);
      const tls = { ca, cert: flags.tlsCert, key: flags.tlsKey };
      const rows = await runDoctor(io.env, timeoutMs, tls);
      const broken = rows.filter((r) => ESSENTIAL.includes(r.service) && r.verdict !== "SERVING");
      if (flags.json) io.out(JSON.stringify({ ok: broken.length === 0, services: rows }, null, 2));
      else {
        io.out(
          formatTable(
            ["SERVICE", "ADDRESS", "FROM", "STATUS"],
            rows.map((r) => [r.service, r.address, r.source, r.verdict]),
          ),
        );
        const fixes = rows.filter((r) => r.fix !== "");
        if (fixes.length > 0) io.out(`\nTo fix:\n${fixes.map((r) => `  ${r.service}: ${r.fix}`).join("\n")}`);
        if (broken.length === 0) io.out("\nok: the router and registry are serving; agents can connect.");
      }
      // A failed check is an error exit, so scripts can gate on `sw4rm doctor`.
      if (broken.length > 0)
        throw new Error(`not ok: ${broken.map((r) => r.service).join(", ")} not serving; agents cannot work until fixed`);
    });
}
