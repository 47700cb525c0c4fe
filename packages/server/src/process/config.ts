/**
 * Server configuration: types, defaults and layering (defaults < config file < env < flags; the
 * JS/Python SDKs layer defaults < file < env the same way, doc §3.2, and flags win over all).
 */
import { ADMIN_HTTP_PORT, SERVICE_ENDPOINTS } from "@sw4rm/protocol";
import { authFromEnv } from "../auth/env.js";
import {
  type AuthInput,
  type AuthSettings,
  DEFAULT_AUTH_SETTINGS,
  DEFAULT_TLS_SETTINGS,
  mergeAuth,
  mergeTls,
  type TlsInput,
  type TlsSettings,
} from "../auth/settings.js";
import { DEFAULT_BIND_HOST } from "./address.js";

/** Services `sw4rm up` can serve today; each is a ServiceModule (see modules.ts). */
export const SERVED_SERVICES = ["router", "registry", "scheduler"] as const;
export type ServedService = (typeof SERVED_SERVICES)[number];

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** JSON-compatible value, for pass-through component options. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface RegistrySettings {
  readonly heartbeatIntervalMs: number;
  readonly missedHeartbeats: number;
  /** Announce join/leave/state changes to agents. */
  readonly notifications: boolean;
}

export interface ServerConfig {
  /** Directory of the durable stores (router, registry.db). */
  readonly dataDir: string;
  /** Host used for addresses given without one. */
  readonly host: string;
  /** Bind address ("host:port") per served service. */
  readonly addresses: Readonly<Record<ServedService, string>>;
  /** Bind address of the HTTP admin surface, or null to disable it. */
  readonly adminAddr: string | null;
  readonly registry: RegistrySettings;
  /** Passed to createRouter as `options` (see router docs). */
  readonly router: Readonly<Record<string, JsonValue>>;
  /** Passed to createScheduler as `options` (see scheduler docs). */
  readonly scheduler: Readonly<Record<string, JsonValue>>;
  readonly log: { readonly level: LogLevel; readonly file?: string };
  /** How long shutdown waits for in-flight calls before cancelling them. */
  readonly shutdownGraceMs: number;
  /** Caller authentication (token file, JWT) and the --insecure opt-out; all off by default (auth/). */
  readonly auth: AuthSettings;
  /** gRPC transport security (TLS, mTLS client certificates); off by default. */
  readonly tls: TlsSettings;
}

/** One configuration layer: the config-file format, also what env vars and flags produce. */
export interface ServerConfigInput {
  readonly dataDir?: string;
  readonly host?: string;
  readonly router?: { readonly addr?: string; readonly options?: Readonly<Record<string, JsonValue>> };
  readonly registry?: { readonly addr?: string } & Partial<RegistrySettings>;
  readonly scheduler?: { readonly addr?: string; readonly options?: Readonly<Record<string, JsonValue>> };
  readonly admin?: { readonly addr?: string; readonly enabled?: boolean };
  readonly log?: { readonly level?: LogLevel; readonly file?: string };
  readonly shutdownGraceMs?: number;
  readonly auth?: AuthInput;
  readonly tls?: TlsInput;
}

export const DEFAULT_DATA_DIR = ".sw4rm";

export function defaultConfig(): ServerConfig {
  return {
    dataDir: DEFAULT_DATA_DIR,
    host: DEFAULT_BIND_HOST,
    addresses: {
      router: `:${SERVICE_ENDPOINTS.router.port}`,
      registry: `:${SERVICE_ENDPOINTS.registry.port}`,
      scheduler: `:${SERVICE_ENDPOINTS.scheduler.port}`,
    },
    adminAddr: `:${ADMIN_HTTP_PORT}`,
    registry: { heartbeatIntervalMs: 30_000, missedHeartbeats: 3, notifications: true },
    router: {},
    scheduler: {},
    log: { level: "info" },
    shutdownGraceMs: 5_000,
    auth: DEFAULT_AUTH_SETTINGS,
    tls: DEFAULT_TLS_SETTINGS,
  };
}

/** Applies layers in order; later layers win field by field. */
export function resolveConfig(...layers: readonly (ServerConfigInput | undefined)[]): ServerConfig {
  let c = defaultConfig();
  for (const l of layers) {
    if (!l) continue;
    c = {
      dataDir: l.dataDir ?? c.dataDir,
      host: l.host ?? c.host,
      addresses: {
        router: l.router?.addr ?? c.addresses.router,
        registry: l.registry?.addr ?? c.addresses.registry,
        scheduler: l.scheduler?.addr ?? c.addresses.scheduler,
      },
      adminAddr: l.admin?.enabled === false ? null : (l.admin?.addr ?? c.adminAddr),
      registry: {
        heartbeatIntervalMs: l.registry?.heartbeatIntervalMs ?? c.registry.heartbeatIntervalMs,
        missedHeartbeats: l.registry?.missedHeartbeats ?? c.registry.missedHeartbeats,
        notifications: l.registry?.notifications ?? c.registry.notifications,
      },
      router: { ...c.router, ...l.router?.options },
      scheduler: { ...c.scheduler, ...l.scheduler?.options },
      log: { level: l.log?.level ?? c.log.level, file: l.log?.file ?? c.log.file },
      shutdownGraceMs: l.shutdownGraceMs ?? c.shutdownGraceMs,
      auth: mergeAuth(c.auth, l.auth),
      tls: mergeTls(c.tls, l.tls),
    };
  }
  return c;
}

/**
 * Environment layer: SW4RM_ROUTER_ADDR, SW4RM_REGISTRY_ADDR, SW4RM_SCHEDULER_ADDR, SW4RM_ADMIN_ADDR,
 * SW4RM_DATA_DIR, SW4RM_LOG_LEVEL, and the auth/TLS variables of auth/env.ts (AUTH_ENV).
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ServerConfigInput {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const level = get("SW4RM_LOG_LEVEL")?.toLowerCase();
  // The SDKs spell levels DEBUG/INFO/WARNING/ERROR/CRITICAL (doc §3.2); map them onto pino's.
  const mapped = level === "warning" ? "warn" : level === "critical" ? "fatal" : level;
  return {
    dataDir: get("SW4RM_DATA_DIR"),
    router: { addr: get(SERVICE_ENDPOINTS.router.env[0] ?? "SW4RM_ROUTER_ADDR") },
    registry: { addr: get(SERVICE_ENDPOINTS.registry.env[0] ?? "SW4RM_REGISTRY_ADDR") },
    scheduler: { addr: get(SERVICE_ENDPOINTS.scheduler.env[0] ?? "SW4RM_SCHEDULER_ADDR") },
    admin: { addr: get("SW4RM_ADMIN_ADDR") },
    log: { level: LOG_LEVELS.find((l) => l === mapped) },
    ...authFromEnv(env),
  };
}
