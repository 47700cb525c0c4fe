/**
 * The JSON Schema of the config file, assembled from the core settings, the service table's address
 * keys and each catalog module's settings. One source for validation (configFile.ts) and the generated
 * config reference (docs/config-reference.md, scripts/configReference.ts).
 */
import { SERVICE_CATALOG } from "../services/catalog.js";
import type { JsonSchema } from "../services/entry.js";
import { ADDRESS_KEYS, SERVICE_TABLE } from "../services/table.js";
import { STORAGE_BACKENDS } from "../storage/provider.js";
import { LOG_LEVELS } from "./config.js";

const str = (description: string): JsonSchema => ({ type: "string", minLength: 1, description });
const bool = (description: string): JsonSchema => ({ type: "boolean", description });
const obj = (properties: Record<string, JsonSchema>, description: string): JsonSchema => ({
  type: "object",
  properties,
  additionalProperties: false,
  description,
});

function sectionSchema(key: string): JsonSchema {
  const entry = SERVICE_CATALOG.find((e) => e.name === key);
  const served = Object.values(SERVICE_TABLE).filter((s) => s.addressKeys.some((k) => k.key === key));
  const who = served.map((s) => s.grpcName).join(", ");
  const own = served.find((s) => s.addressKeys[0]?.key === key);
  const addr = str(
    own
      ? `Bind address host:port of ${who} (default :${own.port})`
      : `Bind address host:port shared by ${who} unless one of them sets its own`,
  );
  return obj(
    {
      addr,
      ...(entry ? { enabled: bool(`Serve ${entry.name} (default true)`), ...entry.settings } : {}),
    },
    entry?.description ?? (own ? `Address of ${who}` : `Address shared by ${who}`),
  );
}

export function configSchema(): JsonSchema {
  const sections = Object.fromEntries(
    [...new Set([...ADDRESS_KEYS.map((k) => k.key), ...SERVICE_CATALOG.map((e) => e.name)])].map((k) => [
      k,
      sectionSchema(k),
    ]),
  );
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "sw4rm up configuration file",
    ...obj(
      {
        dataDir: str("Directory of the durable stores (default ./.sw4rm)"),
        host: str("Bind host for addresses given without one (default 127.0.0.1)"),
        shutdownGraceMs: { type: "number", minimum: 0, description: "How long shutdown waits for in-flight calls (default 5000)" },
        storage: obj(
          { backend: { type: "string", enum: STORAGE_BACKENDS, description: "Storage backend (default sqlite)" } },
          "Where every service keeps its state",
        ),
        admin: obj(
          { addr: str("Admin HTTP bind address (default :50080)"), enabled: bool("Serve the admin HTTP API (default true)") },
          "The admin HTTP API (JSON views, /metrics)",
        ),
        log: obj(
          {
            level: { type: "string", enum: LOG_LEVELS, description: "Log level (default info)" },
            file: str("Write JSON logs to this file instead of stderr"),
          },
          "Logging",
        ),
        auth: obj(
          {
            tokensFile: str("Bearer token file mapping tokens to agent ids"),
            jwt: obj(
              {
                secretFile: str("HS256 shared secret file (at least 32 bytes)"),
                publicKeyFile: str("RS256/ES256 PEM public key, certificate, JWK or JWKS"),
                issuer: str("Required JWT iss claim"),
                audience: str("Required JWT aud claim"),
              },
              "Bearer JWTs",
            ),
            insecure: bool("Allow non-loopback binds without authentication"),
          },
          "Caller authentication",
        ),
        tls: obj(
          {
            enabled: bool("Force TLS on or off (default: on when a certificate is given)"),
            certFile: str("PEM server certificate chain"),
            keyFile: str("PEM server private key"),
            caFile: str("PEM CA bundle client certificates must chain to"),
            requireClientCert: bool("mTLS: require and verify a client certificate"),
          },
          "gRPC transport security",
        ),
        ...sections,
      },
      "sw4rm up configuration",
    ),
  };
}
