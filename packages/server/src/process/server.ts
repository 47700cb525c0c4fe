/**
 * startServer: composes the service modules into one process: modules started in dependency order,
 * one gRPC server per distinct bind address (health on each) with every service bound through the
 * call pipeline, the HTTP admin surface, and an orderly stop().
 */
import { type Clock, type ServiceName, systemClock } from "@sw4rm/protocol";
import { Registry as MetricsRegistry } from "prom-client";
import type { AdminRoute } from "../admin/route.js";
import { type AdminServer, startAdminServer } from "../admin/server.js";
import { checkExposure } from "../auth/bindPolicy.js";
import { createServerAuth } from "../auth/serverAuth.js";
import type { Logger } from "../contracts.js";
import { callMetrics } from "../grpc/callMetrics.js";
import { bindService } from "../grpc/pipeline.js";
import { SERVICE_CATALOG } from "../services/catalog.js";
import { SERVICE_NAMES, SERVICE_TABLE } from "../services/table.js";
import { createStorageProvider, type StorageProvider } from "../storage/provider.js";
import { type BindAddress, formatAddress, parseBindAddress } from "./address.js";
import { startOrder } from "./compose.js";
import { resolveConfig, type ServerConfig, type ServerConfigInput } from "./config.js";
import { type BoundGrpcServer, bindGrpcServer, type GrpcBinding, shutdownGrpcServer } from "./grpcServer.js";
import { createLogger } from "./logger.js";
import type { AnyKey, ComponentKey, ModuleContext, ServiceModule, StartedModule } from "./modules.js";

export interface StartOptions {
  readonly clock?: Clock;
  /** Defaults to a pino logger built from config.log. */
  readonly logger?: Logger;
  /** Services to host; default every catalog module not disabled in the config. */
  readonly modules?: readonly ServiceModule[];
}

export interface RunningServer {
  readonly config: ServerConfig;
  /** Actually bound "host:port" per hosted service (port 0 resolved). */
  readonly addresses: Readonly<Partial<Record<ServiceName, string>>>;
  /** e.g. http://127.0.0.1:50080, or undefined when the admin surface is disabled. */
  readonly adminUrl: string | undefined;
  /** The line `sw4rm up` prints on stdout once every port is bound. */
  readonly readinessLine: string;
  readonly logger: Logger;
  /** The Prometheus registry served on /metrics. */
  readonly metrics: MetricsRegistry;
  /** A component some running module provides (undefined when none does). */
  get<T>(key: ComponentKey<T>): T | undefined;
  /** Stops accepting calls, drains streams, closes storage. Idempotent. */
  stop(): Promise<void>;
}

interface PortBinding extends GrpcBinding {
  readonly service: ServiceName;
}

function isResolved(config: ServerConfig | ServerConfigInput): config is ServerConfig {
  return "addresses" in config && "sections" in config;
}

/** `sw4rm ready router=H:P registry=H:P … admin=http://H:P` (services in service-table order). */
export function formatReadinessLine(addresses: Partial<Record<ServiceName, string>>, adminUrl?: string): string {
  const parts = SERVICE_NAMES.flatMap((s) => (addresses[s] ? [`${s}=${addresses[s]}`] : []));
  if (adminUrl) parts.push(`admin=${adminUrl}`);
  return `sw4rm ready ${parts.join(" ")}`;
}

/** The catalog's modules, minus those switched off in the config. */
export async function defaultModules(config: ServerConfig): Promise<ServiceModule[]> {
  const entries = SERVICE_CATALOG.filter((e) => !config.disabled.includes(e.name));
  return Promise.all(entries.map((e) => e.load()));
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
function groupByAddress(config: ServerConfig, bindings: readonly PortBinding[]) {
  const groups = new Map<string, { address: BindAddress; bindings: PortBinding[] }>();
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
  groups: readonly { address: BindAddress; bindings: readonly PortBinding[] }[],
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

/** Module contexts over one component table; each module may only read what it declared. */
class ComponentTable {
  readonly #values = new Map<string, unknown>();

  context(module: ServiceModule, base: Omit<ModuleContext, "get" | "find" | "provide" | "name">): ModuleContext {
    const declared = (keys: readonly AnyKey[] | undefined) => new Set((keys ?? []).map((k) => k.id));
    const needs = declared(module.needs);
    const uses = declared(module.uses);
    const provides = declared(module.provides);
    return {
      ...base,
      name: module.name,
      get: <T>(key: ComponentKey<T>): T => {
        if (!needs.has(key.id))
          throw new Error(`module "${module.name}" reads component "${key.id}" without declaring it in needs`);
        if (!this.#values.has(key.id))
          throw new Error(`module "${module.name}" needs component "${key.id}", which was not provided`);
        return this.#values.get(key.id) as T;
      },
      find: <T>(key: ComponentKey<T>): T | undefined => {
        if (!needs.has(key.id) && !uses.has(key.id))
          throw new Error(`module "${module.name}" reads component "${key.id}" without declaring it in needs or uses`);
        return this.#values.get(key.id) as T | undefined;
      },
      provide: <T>(key: ComponentKey<T>, value: T): void => {
        if (!provides.has(key.id))
          throw new Error(`module "${module.name}" provides component "${key.id}" without declaring it in provides`);
        this.#values.set(key.id, value);
      },
    };
  }

  /** After start(): every declared component must be there. */
  checkProvided(module: ServiceModule): void {
    for (const key of module.provides ?? [])
      if (!this.#values.has(key.id))
        throw new Error(`module "${module.name}" declares it provides "${key.id}" but did not provide it`);
  }

  get<T>(key: ComponentKey<T>): T | undefined {
    return this.#values.get(key.id) as T | undefined;
  }
}

export async function startServer(
  input: ServerConfig | ServerConfigInput = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = isResolved(input) ? input : resolveConfig(input);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.log);
  const modules = startOrder(options.modules ?? (await defaultModules(config)));
  // Credentials are checked before anything starts.
  const auth = createServerAuth(config, { clock, logger });
  const storage: StorageProvider = createStorageProvider(config.storage, config.dataDir, logger);
  const metrics = new MetricsRegistry();
  const shutdown = new AbortController();
  const table = new ComponentTable();
  const started: StartedModule[] = [];
  const servers: BoundGrpcServer[] = [];
  let admin: AdminServer | undefined;
  const abort = async () => {
    shutdown.abort();
    for (const s of servers) s.server.forceShutdown();
    await admin?.close();
    await closeModules(started, logger);
    storage.close();
  };
  try {
    for (const module of modules) {
      const ctx = table.context(module, {
        config,
        settings: config.sections[module.name] ?? {},
        clock,
        logger: logger.child({ service: module.name }),
        metrics,
        guard: auth.guard,
        storage,
        shutdown: shutdown.signal,
      });
      started.push(await module.start(ctx));
      table.checkProvided(module);
    }
    const pipeline = { logger, guard: auth.guard, hooks: [callMetrics(metrics)], shutdown: shutdown.signal };
    const bindings: PortBinding[] = started
      .flatMap((m) => m.bindings)
      .map((b) => {
        const bound = bindService({ ...b, service: b.service }, pipeline);
        return {
          service: b.service,
          healthName: b.healthName ?? SERVICE_TABLE[b.service].grpcName,
          definition: bound.definition,
          implementation: bound.implementation,
          ...(b.maxReceiveBytes !== undefined ? { maxReceiveBytes: b.maxReceiveBytes } : {}),
        };
      });
    const groups = groupByAddress(config, bindings);
    exposureCheck(config, groups, auth.guard !== undefined, logger);
    const addresses: Partial<Record<ServiceName, string>> = {};
    for (const group of groups) {
      const bound = await bindGrpcServer(group.address, group.bindings, auth.credentials);
      servers.push(bound);
      for (const b of group.bindings) addresses[b.service] = formatAddress(bound.address);
    }
    for (const m of started) m.ready?.();
    if (config.adminAddr !== null) {
      const routes: AdminRoute[] = started.flatMap((m) => m.routes ?? []);
      const running = new Set(modules.map((m) => m.name));
      const notRunning = SERVICE_CATALOG.filter((e) => !running.has(e.name)).flatMap((e) =>
        (e.adminPaths ?? []).map((prefix) => ({ prefix, service: e.name })),
      );
      admin = await startAdminServer(parseBindAddress(config.adminAddr, config.host), {
        routes,
        notRunning,
        metrics,
        logger: logger.child({ component: "admin" }),
        ...(auth.admin ? { authorize: auth.admin } : {}),
      });
    }
    const adminUrl = admin?.url;
    const readinessLine = formatReadinessLine(addresses, adminUrl);
    logger.info(
      { addresses, admin_url: adminUrl, data_dir: config.dataDir, backend: storage.backend },
      "sw4rm ready",
    );
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        logger.info("shutting down");
        for (const s of servers) s.health.setAll("NOT_SERVING");
        shutdown.abort();
        for (const m of started)
          await m.stopping?.().catch((err: unknown) => logger.error({ err }, "module stopping failed"));
        await admin?.close();
        // Stop taking calls first; closing the modules ends the router's streams, letting tryShutdown finish.
        const drained = Promise.all(servers.map((s) => shutdownGrpcServer(s.server, config.shutdownGraceMs)));
        await closeModules(started, logger);
        await drained;
        storage.close();
        logger.info("stopped");
      })();
      return stopping;
    };
    return {
      config,
      addresses,
      adminUrl,
      readinessLine,
      logger,
      metrics,
      get: (key) => table.get(key),
      stop,
    };
  } catch (err) {
    await abort();
    throw err;
  }
}
