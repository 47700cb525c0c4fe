/** Reads and checks a JSON config file (format: ServerConfigInput), naming the file and field on error. */
import { readFileSync } from "node:fs";
import { type JsonValue, LOG_LEVELS, type LogLevel, type ServerConfigInput } from "./config.js";

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

class FieldReader {
  constructor(
    readonly file: string,
    readonly prefix: string,
    readonly obj: Obj,
  ) {}

  #fail(key: string, expected: string): never {
    throw new Error(`${this.file}: "${this.prefix}${key}" must be ${expected}`);
  }

  string(key: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v.trim() === "") this.#fail(key, "a non-empty string");
    return v;
  }

  number(key: string, min: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min) this.#fail(key, `a number >= ${min}`);
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.#fail(key, "true or false");
    return v;
  }

  section(key: string): FieldReader | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (!isObj(v)) this.#fail(key, "an object");
    return new FieldReader(this.file, `${this.prefix}${key}.`, v);
  }

  level(key: string): LogLevel | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const level = LOG_LEVELS.find((l) => l === v.toLowerCase());
    if (!level) this.#fail(key, `one of ${LOG_LEVELS.join(", ")}`);
    return level;
  }
}

export function parseConfig(text: string, file: string): ServerConfigInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!isObj(raw)) throw new Error(`${file}: the config must be a JSON object`);
  const r = new FieldReader(file, "", raw);
  const router = r.section("router");
  const registry = r.section("registry");
  const admin = r.section("admin");
  const log = r.section("log");
  const routerOptions = router?.section("options");
  const auth = r.section("auth");
  const jwt = auth?.section("jwt");
  const tls = r.section("tls");
  return {
    dataDir: r.string("dataDir"),
    host: r.string("host"),
    shutdownGraceMs: r.number("shutdownGraceMs", 0),
    router: router && {
      addr: router.string("addr"),
      options: routerOptions?.obj as Readonly<Record<string, JsonValue>> | undefined,
    },
    registry: registry && {
      addr: registry.string("addr"),
      heartbeatIntervalMs: registry.number("heartbeatIntervalMs", 1),
      missedHeartbeats: registry.number("missedHeartbeats", 1),
      notifications: registry.boolean("notifications"),
    },
    admin: admin && { addr: admin.string("addr"), enabled: admin.boolean("enabled") },
    log: log && { level: log.level("level"), file: log.string("file") },
    auth: auth && {
      tokensFile: auth.string("tokensFile"),
      jwt: jwt && {
        secretFile: jwt.string("secretFile"),
        publicKeyFile: jwt.string("publicKeyFile"),
        issuer: jwt.string("issuer"),
        audience: jwt.string("audience"),
      },
      insecure: auth.boolean("insecure"),
    },
    tls: tls && {
      enabled: tls.boolean("enabled"),
      certFile: tls.string("certFile"),
      keyFile: tls.string("keyFile"),
      caFile: tls.string("caFile"),
      requireClientCert: tls.boolean("requireClientCert"),
    },
  };
}

export function loadConfigFile(file: string): ServerConfigInput {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, file);
}
