/**
 * Environment layer of the auth/TLS settings. TLS names follow the protocol's deployment convention
 * (SW4RM_TLS_ENABLED, SW4RM_TLS_MODE tls|mtls, SW4RM_TLS_CERT_FILE, SW4RM_TLS_KEY_FILE, SW4RM_TLS_CA_FILE);
 * booleans accept true/1/yes/on and false/0/no/off.
 */
import type { AuthInput, TlsInput } from "./settings.js";

export const AUTH_ENV = {
  tokensFile: "SW4RM_AUTH_TOKENS_FILE",
  jwtSecretFile: "SW4RM_AUTH_JWT_SECRET_FILE",
  jwtPublicKeyFile: "SW4RM_AUTH_JWT_PUBLIC_KEY_FILE",
  jwtIssuer: "SW4RM_AUTH_JWT_ISSUER",
  jwtAudience: "SW4RM_AUTH_JWT_AUDIENCE",
  insecure: "SW4RM_INSECURE",
  tlsEnabled: "SW4RM_TLS_ENABLED",
  tlsMode: "SW4RM_TLS_MODE",
  tlsCert: "SW4RM_TLS_CERT_FILE",
  tlsKey: "SW4RM_TLS_KEY_FILE",
  tlsCa: "SW4RM_TLS_CA_FILE",
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function get(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

function bool(env: Env, name: string): boolean | undefined {
  const v = get(env, name)?.toLowerCase();
  if (v === undefined) return undefined;
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new Error(`${name} must be true/false (or 1/0, yes/no, on/off), got "${env[name]}"`);
}

function mode(env: Env): boolean | undefined {
  const v = get(env, AUTH_ENV.tlsMode)?.toLowerCase();
  if (v === undefined) return undefined;
  if (v === "tls" || v === "mtls") return v === "mtls";
  throw new Error(`${AUTH_ENV.tlsMode} must be "tls" or "mtls", got "${env[AUTH_ENV.tlsMode]}"`);
}

export function authFromEnv(env: Env): { auth: AuthInput; tls: TlsInput } {
  return {
    auth: {
      tokensFile: get(env, AUTH_ENV.tokensFile),
      jwt: {
        secretFile: get(env, AUTH_ENV.jwtSecretFile),
        publicKeyFile: get(env, AUTH_ENV.jwtPublicKeyFile),
        issuer: get(env, AUTH_ENV.jwtIssuer),
        audience: get(env, AUTH_ENV.jwtAudience),
      },
      insecure: bool(env, AUTH_ENV.insecure),
    },
    tls: {
      enabled: bool(env, AUTH_ENV.tlsEnabled),
      certFile: get(env, AUTH_ENV.tlsCert),
      keyFile: get(env, AUTH_ENV.tlsKey),
      caFile: get(env, AUTH_ENV.tlsCa),
      requireClientCert: mode(env),
    },
  };
}
