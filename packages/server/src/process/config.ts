/**
 * Server configuration: types, defaults and layering (defaults < config file < env < flags; the
 * JS/Python SDKs layer defaults < file < env the same way, doc §3.2, and flags win over all).
 *
 * Nothing here is per service: addresses come from the service table (services/table.ts) and each
 * module's settings live in its own config section, validated by the catalog's schema.
 */
import { ADMIN_HTTP_PORT, type ServiceName } from "@sw4rm/protocol";
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
import { SERVICE_CATALOG } from "../services/catalog.js";
import { ADDRESS_KEYS, SERVICE_NAMES, SERVICE_TABLE } from "../services/table.js";
import { STORAGE_BACKENDS, type StorageBackend, type StorageSettings } from "../storage/provider.js";
import { DEFAULT_BIND_HOST } from "./address.js";
import { readSettingText } from "./settingText.js";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** JSON-compatible value, for pass-through component options. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** Config sections: one per service-table address key ("router", …, "coordination"). */
export type SectionName = ServiceName | "coordination";

/** One section of a layer: the address, on/off, and the module's own settings. */
export interface SectionInput {
  readonly addr?: string;
  readonly enabled?: boolean;
  readonly [setting: string]: JsonValue | undefined;
}

/** One configuration layer: the config-file format, also what env vars and flags produce. */
export type ServerConfigInput = {
  readonly dataDir?: string;
  readonly host?: string;
  readonly storage?: { readonly backend?: string };
  readonly admin?: { readonly addr?: string; readonly enabled?: boolean };
  readonly log?: { readonly level?: LogLevel; readonly file?: string };
  readonly shutdownGraceMs?: number;
  readonly auth?: AuthInput;
  readonly tls?: TlsInput;
} & { readonly [K in SectionName]?: SectionInput };

export interface ServerConfig {
  /** Directory of the durable stores (one `<name>.sqlite` per store). */
  readonly dataDir: string;
  /** Host used for addresses given without one. */
  readonly host: string;
  readonly storage: StorageSettings;
  /** Bind address ("host:port") of every service in the service table. */
  readonly addresses: Readonly<Record<ServiceName, string>>;
  /** Bind address of the HTTP admin surface, or null to disable it. */
  readonly adminAddr: string | null;
  /** Each section's settings without `addr`/`enabled` (e.g. sections.router.options). */
  readonly sections: Readonly<Record<string, JsonObject>>;
  /** Modules switched off with {"<name>": {"enabled": false}}. */
  readonly disabled: readonly string[];
  readonly log: { readonly level: LogLevel; readonly file?: string };
  /** How long shutdown waits for in-flight calls before cancelling them. */
  readonly shutdownGraceMs: number;
  /** Caller authentication (token file, JWT) and the --insecure opt-out; all off by default (auth/). */
  readonly auth: AuthSettings;
  /** gRPC transport security (TLS, mTLS client certificates); off by default. */
  readonly tls: TlsSettings;
}

export const DEFAULT_DATA_DIR = ".sw4rm";

export function defaultConfig(): ServerConfig {
  return {
    dataDir: DEFAULT_DATA_DIR,
    host: DEFAULT_BIND_HOST,
    storage: { backend: "sqlite" },
    addresses: Object.fromEntries(SERVICE_NAMES.map((n) => [n, `:${SERVICE_TABLE[n].port}`])) as Record<
      ServiceName,
      string
    >,
    adminAddr: `:${ADMIN_HTTP_PORT}`,
    sections: {},
    disabled: [],
    log: { level: "info" },
    shutdownGraceMs: 5_000,
    auth: DEFAULT_AUTH_SETTINGS,
    tls: DEFAULT_TLS_SETTINGS,
  };
}

const isObject = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Objects merge key by key (recursively); anything else in `over` replaces; undefined keeps `base`. */
export function mergeJson(base: JsonObject, over: Readonly<Record<string, unknown>>): JsonObject {
  const out: Record<string, JsonValue> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? mergeJson(prev as JsonObject, v) : (v as JsonValue);
  }
  return out;
}

function storageBackend(value: string | undefined, current: StorageBackend): StorageBackend {
  if (value === undefined) return current;
  const backend = STORAGE_BACKENDS.find((b) => b === value.trim().toLowerCase());
  if (!backend) throw new Error(`storage backend must be one of ${STORAGE_BACKENDS.join(", ")}, got "${value}"`);
  return backend;
}

function sectionOf(layer: ServerConfigInput, key: string): SectionInput | undefined {
  return (layer as Readonly<Record<string, SectionInput | undefined>>)[key];
}

/** Applies layers in order; later layers win field by field. */
export function resolveConfig(...layers: readonly (ServerConfigInput | undefined)[]): ServerConfig {
  let c = defaultConfig();
  for (const l of layers) {
    if (!l) continue;
    const addresses = { ...c.addresses };
    for (const name of SERVICE_NAMES) {
      // Within a layer the service's own key wins over shared ones (coordination, scheduler).
      for (const k of SERVICE_TABLE[name].addressKeys) {
        const addr = sectionOf(l, k.key)?.addr;
        if (addr !== undefined) {
          addresses[name] = addr;
          break;
        }
      }
    }
    const sections: Record<string, JsonObject> = { ...c.sections };
    const disabled = new Set(c.disabled);
    for (const key of new Set([...ADDRESS_KEYS.map((k) => k.key), ...SERVICE_CATALOG.map((e) => e.name)])) {
      const section = sectionOf(l, key);
      if (!section) continue;
      const { addr: _addr, enabled, ...settings } = section;
      if (enabled === false) disabled.add(key);
      if (enabled === true) disabled.delete(key);
      if (Object.values(settings).some((v) => v !== undefined)) sections[key] = mergeJson(sections[key] ?? {}, settings);
    }
    c = {
      dataDir: l.dataDir ?? c.dataDir,
      host: l.host ?? c.host,
      storage: { backend: storageBackend(l.storage?.backend, c.storage.backend) },
      addresses,
      adminAddr: l.admin?.enabled === false ? null : (l.admin?.addr ?? c.adminAddr),
      sections,
      disabled: [...disabled],
      log: { level: l.log?.level ?? c.log.level, file: l.log?.file ?? c.log.file },
      shutdownGraceMs: l.shutdownGraceMs ?? c.shutdownGraceMs,
      auth: mergeAuth(c.auth, l.auth),
      tls: mergeTls(c.tls, l.tls),
    };
  }
  return c;
}

/** Sets `value` at `path` inside a fresh object tree. */
export function atPath(path: readonly string[], value: JsonValue): JsonObject {
  return path.reduceRight<JsonValue>((inner, key) => ({ [key]: inner }), value) as JsonObject;
}

/** Adds catalog settings given as text (env vars or flags) to a layer. */
export function withSettings(
  layer: ServerConfigInput,
  read: (option: { env?: string; flag?: string }) => { text: string; source: string } | undefined,
): ServerConfigInput {
  let out: Record<string, unknown> = { ...layer };
  for (const entry of SERVICE_CATALOG)
    for (const option of entry.options ?? []) {
      const given = read(option);
      if (given === undefined) continue;
      const value = readSettingText(option.kind, given.text, given.source);
      out = mergeJson(out as JsonObject, { [entry.name]: atPath(option.path, value) }) as Record<string, unknown>;
    }
  return out as ServerConfigInput;
}

/**
 * Environment layer: SW4RM_<KEY>_ADDR of every service-table key (with their fallbacks, e.g.
 * SW4RM_COORDINATION_ADDR), SW4RM_ADMIN_ADDR, SW4RM_DATA_DIR, SW4RM_BACKEND, SW4RM_LOG_LEVEL, the
 * catalog's settings variables and the auth/TLS variables of auth/env.ts (AUTH_ENV).
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ServerConfigInput {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const level = get("SW4RM_LOG_LEVEL")?.toLowerCase();
  // The SDKs spell levels DEBUG/INFO/WARNING/ERROR/CRITICAL (doc §3.2); map them onto pino's.
  const mapped = level === "warning" ? "warn" : level === "critical" ? "fatal" : level;
  const sections = Object.fromEntries(ADDRESS_KEYS.map((k) => [k.key, { addr: get(k.env) }]));
  const layer: ServerConfigInput = {
    ...sections,
    dataDir: get("SW4RM_DATA_DIR"),
    storage: { backend: get("SW4RM_BACKEND") },
    admin: { addr: get("SW4RM_ADMIN_ADDR") },
    log: { level: LOG_LEVELS.find((l) => l === mapped) },
    ...authFromEnv(env),
  };
  return withSettings(layer, (o) => {
    const text = o.env === undefined ? undefined : get(o.env);
    return text === undefined || o.env === undefined ? undefined : { text, source: o.env };
  });
}
