/**
 * Authentication and transport-security settings of `sw4rm up` (resolved from defaults < config file
 * < env < flags in process/config.ts). Everything is off by default: a loopback-only server without
 * credentials behaves exactly as before.
 */

/** Bearer JWTs (signed, verified locally): HS256 with a shared secret, RS256/ES256 with a public key or JWKS. */
export interface JwtSettings {
  /** File holding the HS256 shared secret (its bytes, trailing newline ignored; at least 32 bytes). */
  readonly secretFile?: string;
  /** PEM public key (SPKI) or certificate, a JWK, or a JWKS (`{"keys": [...]}`) for RS256/ES256. */
  readonly publicKeyFile?: string;
  /** Required `iss` claim, when set. */
  readonly issuer?: string;
  /** Required `aud` claim (one of the token's audiences), when set. */
  readonly audience?: string;
}

export interface AuthSettings {
  /** Token file mapping opaque bearer tokens to agent ids (see tokenFile.ts for the format). */
  readonly tokensFile?: string;
  readonly jwt: JwtSettings;
  /** Allow binding a non-loopback address without any authentication (explicit opt-out). */
  readonly insecure: boolean;
}

export interface TlsSettings {
  /** Forces TLS on (error when cert/key are missing) or off; default: on when a cert or key is given. */
  readonly enabled?: boolean;
  /** PEM server certificate chain. */
  readonly certFile?: string;
  /** PEM server private key. */
  readonly keyFile?: string;
  /** PEM CA bundle client certificates must chain to (mTLS). */
  readonly caFile?: string;
  /** Require and verify a client certificate on every connection (mTLS); identities come from it. */
  readonly requireClientCert: boolean;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = { jwt: {}, insecure: false };
export const DEFAULT_TLS_SETTINGS: TlsSettings = { requireClientCert: false };

/** Whether a bearer credential source (token file or JWT key) is configured. */
export function hasBearerSource(auth: AuthSettings): boolean {
  return auth.tokensFile !== undefined || auth.jwt.secretFile !== undefined || auth.jwt.publicKeyFile !== undefined;
}

export function tlsEnabled(tls: TlsSettings): boolean {
  return tls.enabled ?? (tls.certFile !== undefined || tls.keyFile !== undefined);
}

/** Whether callers are authenticated at all: a bearer source, or TLS with required client certificates. */
export function authEnabled(auth: AuthSettings, tls: TlsSettings): boolean {
  return hasBearerSource(auth) || (tlsEnabled(tls) && tls.requireClientCert);
}

/** One configuration layer's auth options (config file `auth` section, env, flags). */
export interface AuthInput {
  readonly tokensFile?: string;
  readonly jwt?: JwtSettings;
  readonly insecure?: boolean;
}

/** One configuration layer's TLS options (config file `tls` section, env, flags). */
export interface TlsInput {
  readonly enabled?: boolean;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly caFile?: string;
  readonly requireClientCert?: boolean;
}

export function mergeAuth(base: AuthSettings, layer: AuthInput | undefined): AuthSettings {
  if (!layer) return base;
  const tokensFile = layer.tokensFile ?? base.tokensFile;
  return {
    ...(tokensFile !== undefined ? { tokensFile } : {}),
    jwt: { ...base.jwt, ...definedOnly(layer.jwt) },
    insecure: layer.insecure ?? base.insecure,
  };
}

export function mergeTls(base: TlsSettings, layer: TlsInput | undefined): TlsSettings {
  if (!layer) return base;
  return { ...base, ...definedOnly(layer), requireClientCert: layer.requireClientCert ?? base.requireClientCert };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
