/**
 * Bearer JWT verification (jose): signature with the configured keys (HS256 secret; RS256/ES256
 * public key or JWKS; the `alg` header must be one of those, never `none`), then `exp`/`nbf` against
 * the injected clock, `iss`/`aud` when configured.
 *
 * Claims: `sub` = the agent id (required); admin when `sw4rm_admin` is true or the space-separated
 * `scope` contains `sw4rm:admin`.
 */
import type { Clock } from "@sw4rm/protocol";
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { JwtSettings } from "./settings.js";
import type { Authentication } from "./authentication.js";
import { unauthenticated } from "./errors.js";
import { ASYMMETRIC_ALGORITHMS, loadPublicKeys, loadSecret, type PublicKeys } from "./jwtKeys.js";

export const ADMIN_CLAIM = "sw4rm_admin";
export const ADMIN_SCOPE = "sw4rm:admin";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a bearer token has the compact JWS shape (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

function isAdmin(payload: JWTPayload): boolean {
  if (payload[ADMIN_CLAIM] === true) return true;
  const scope = payload.scope;
  return typeof scope === "string" && scope.split(" ").includes(ADMIN_SCOPE);
}

function why(err: unknown): string {
  if (err instanceof errors.JWTExpired) return `it expired (${err.message}): get a fresh token`;
  if (err instanceof errors.JWTClaimValidationFailed) return `claim "${err.claim}" is not acceptable (${err.message})`;
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return "its signature does not verify with the server's key: sign it with the configured secret/key";
  if (err instanceof errors.JOSEAlgNotAllowed) return `its alg is not accepted (${err.message})`;
  if (err instanceof errors.JWKSNoMatchingKey) return "no key of the JWKS matches its kid/alg";
  if (err instanceof errors.JOSEError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export class JwtVerifier {
  readonly #clock: Clock;
  readonly #settings: JwtSettings;
  readonly #secret: Uint8Array | undefined;
  readonly #public: PublicKeys | undefined;
  readonly #algorithms: string[];

  /** Reads the key files; throws (naming the file) when one is missing or unusable. */
  constructor(settings: JwtSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
    this.#secret = settings.secretFile === undefined ? undefined : loadSecret(settings.secretFile);
    this.#public = settings.publicKeyFile === undefined ? undefined : loadPublicKeys(settings.publicKeyFile);
    this.#algorithms = [
      ...(this.#secret ? ["HS256"] : []),
      ...(this.#public?.kind === "key" ? [this.#public.algorithm] : []),
      ...(this.#public?.kind === "jwks" ? ASYMMETRIC_ALGORITHMS : []),
    ];
  }

  get algorithms(): readonly string[] {
    return this.#algorithms;
  }

  readonly #key: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === "HS256" && this.#secret) return this.#secret;
    if (this.#public?.kind === "key") return this.#public.key;
    if (this.#public?.kind === "jwks") return this.#public.resolve(header, token);
    throw new errors.JOSEAlgNotAllowed(`alg ${header.alg} has no configured key`);
  };

  /** Verifies `token`; throws an unauthenticated Sw4rmError saying why it was refused. */
  async verify(token: string): Promise<Authentication> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: this.#algorithms,
        currentDate: new Date(this.#clock.now()),
        ...(this.#settings.issuer !== undefined ? { issuer: this.#settings.issuer } : {}),
        ...(this.#settings.audience !== undefined ? { audience: this.#settings.audience } : {}),
      }));
    } catch (err) {
      throw unauthenticated(`bearer JWT refused: ${why(err)}`);
    }
    const sub = typeof payload.sub === "string" ? payload.sub.trim() : "";
    if (sub === "") throw unauthenticated('bearer JWT refused: it has no "sub" claim (the agent id it is issued for)');
    return {
      principal: { agentId: sub, admin: isAdmin(payload), method: "jwt" },
      ...(payload.exp !== undefined ? { expiresAtMs: payload.exp * 1000 } : {}),
    };
  }
}
