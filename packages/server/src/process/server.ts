/**
 * startServer: composes the service modules into one process: one gRPC server per distinct bind
 * address (health on each), the HTTP admin surface, and an orderly stop().
 */
import { mkdirSync } from "node:fs";
import { type Clock, systemClock } from "@sw4rm/protocol";
import { Registry as MetricsRegistry } from "prom-client";
import { type AdminServer, startAdminServer } from "../admin/server.js";
import { checkExposure } from "../auth/bindPolicy.js";
import { guardService } from "../auth/guardService.js";
import { createServerAuth } from "../auth/serverAuth.js";
import type { Logger } from "../contracts.js";
import { type BindAddress, formatAddress, parseBindAddress } from "./address.js";
import {
  resolveConfig,
  SERVED_SERVICES,
  type ServedService,
  type ServerConfig,
  type ServerConfigInput,
} from "./config.js";
import { DEFAULT_MODULES } from "./defaultModules.js";
import { type BoundGrpcServer, bindGrpcServer, shutdownGrpcServer } from "./grpcServer.js";
import { createLogger } from "./logger.js";
import type { Components, ServiceBinding, ServiceModule, StartedModule } from "./modules.js";

export interface StartOptions {
  readonly clock?: Clock;
  /** Defaults to a pino logger built from config.log. */
  readonly logger?: Logger;
  /** Services to host, in start order. Default: registry, router. */
  readonly modules?: readonly ServiceModule[];
}

export interface RunningServer {
  readonly config: ServerConfig;
  /** Actually bound "host:port" per hosted service (port 0 resolved). */
  readonly addresses: Readonly<Partial<Record<ServedService, string>>>;
  /** e.g. http://127.0.0.1:50080, or undefined when the admin surface is disabled. */
  readonly adminUrl: string | undefined;
  /** The line `sw4rm up` prints on stdout once every port is bound. */
  readonly readinessLine: string;
  readonly components: Readonly<Components>;
  readonly logger: Logger;
  /** Stops accepting calls, drains streams, closes storage. Idempotent. */
  stop(): Promise<void>;
}

function isResolved(config: ServerConfig | ServerConfigInput): config is ServerConfig {
  return "addresses" in config;
}

/** `sw4rm ready router=H:P registry=H:P admin=http://H:P` (services in SERVED_SERVICES order). */
export function formatReadinessLine(addresses: Partial<Record<ServedService, string>>, adminUrl?: string): string {
  const parts = SERVED_SERVICES.flatMap((s) => (addresses[s] ? [`${s}=${addresses[s]}`] : []));
  if (adminUrl) parts.push(`admin=${adminUrl}`);
  return `sw4rm ready ${parts.join(" ")}`;
}

async function closeModules(started: readonly StartedModule[], logger: Logger): Promise<void> {
  for (const m of [...started].reverse()) {
    try {
      await m.close();
    } catch (err) {
      logger.error({ err }, "error while closing a service module");
    }
  }
}

/** Groups bindings by bind address so services configured on the same port share one server. */
function groupByAddress(config: ServerConfig, bindings: readonly ServiceBinding[]) {
  const groups = new Map<string, { address: BindAddress; bindings: ServiceBinding[] }>();
  for (const b of bindings) {
    const address = parseBindAddress(config.addresses[b.service], config.host);
    // Port 0 means "any free port" for each service separately, never a shared one.
    const key = address.port === 0 ? `${b.service}@${formatAddress(address)}` : formatAddress(address);
    const group = groups.get(key) ?? { address, bindings: [] };
    group.bindings.push(b);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Refuses unauthenticated binds reachable from other hosts unless --insecure (auth/bindPolicy.ts). */
function exposureCheck(
  config: ServerConfig,
  groups: readonly { address: BindAddress; bindings: readonly ServiceBinding[] }[],
  authenticated: boolean,
  logger: Logger,
): void {
  const binds = groups.map((g) => ({
    label: `${[...new Set(g.bindings.map((b) => b.service))].join("+")} ${formatAddress(g.address)}`,
    host: g.address.host,
  }));
  if (config.adminAddr !== null) {
    const admin = parseBindAddress(config.adminAddr, config.host);
    binds.push({ label: `admin HTTP ${formatAddress(admin)}`, host: admin.host });
  }
  const exposed = checkExposure(binds, authenticated, config.auth.insecure);
  if (exposed.length > 0 && !authenticated)
    logger.warn(
      { binds: exposed.map((b) => b.label) },
      "--insecure: callers reachable from other hosts are not authenticated",
    );
}

export async function startServer(
  input: ServerConfig | ServerConfigInput = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = isResolved(input) ? input : resolveConfig(input);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.log);
  mkdirSync(config.dataDir, { recursive: true });
  // Credentials are checked before anything starts; the guard is in place before modules start.
  const auth = createServerAuth(config, { clock, logger });
  const components: Components = { metrics: new MetricsRegistry(), ...(auth.guard ? { guard: auth.guard } : {}) };
  const started: StartedModule[] = [];
  const servers: BoundGrpcServer[] = [];
  let admin: AdminServer | undefined;
  const abort = async () => {
    for (const s of servers) s.server.forceShutdown();
    await admin?.close();
    await closeModules(started, logger);
  };
  try {
    for (const module of options.modules ?? DEFAULT_MODULES) {
      const ctx = { config, clock, logger: logger.child({ module: module.name }), components };
      started.push(await module.start(ctx));
    }
    const addresses: Partial<Record<ServedService, string>> = {};
    const guard = auth.guard;
    const bindings = started
      .flatMap((m) => m.bindings)
      .map((b) =>
        guard ? { ...b, implementation: guardService(b.definition, b.implementation, guard, { logger }) } : b,
      );
    const groups = groupByAddress(config, bindings);
    exposureCheck(config, groups, auth.guard !== undefined, logger);
    for (const group of groups) {
      const bound = await bindGrpcServer(group.address, group.bindings, auth.credentials);
      servers.push(bound);
      for (const b of group.bindings) addresses[b.service] = formatAddress(bound.address);
    }
    for (const m of started) m.ready?.();
    if (config.adminAddr !== null) {
      admin = await startAdminServer(parseBindAddress(config.adminAddr, config.host), {
        components,
        logger: logger.child({ component: "admin" }),
        ...(auth.admin ? { authorize: auth.admin } : {}),
      });
    }
    const adminUrl = admin?.url;
    const readinessLine = formatReadinessLine(addresses, adminUrl);
    logger.info({ addresses, adminUrl, dataDir: config.dataDir }, "sw4rm ready");
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        logger.info("shutting down");
        for (const s of servers) s.health.setAll("NOT_SERVING");
        for (const m of started)
          await m.stopping?.().catch((err: unknown) => logger.error({ err }, "module stopping failed"));
        await admin?.close();
        // Stop taking calls first; closing the modules ends the router's streams, letting tryShutdown finish.
        const drained = Promise.all(servers.map((s) => shutdownGrpcServer(s.server, config.shutdownGraceMs)));
        await closeModules(started, logger);
        await drained;
        logger.info("stopped");
      })();
      return stopping;
    };
    return { config, addresses, adminUrl, readinessLine, components, logger, stop };
  } catch (err) {
    await abort();
    throw err;
  }
}
