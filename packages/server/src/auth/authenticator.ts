/**
 * Establishes who is calling, from whatever credential sources are configured: a bearer token
 * (`authorization: Bearer <token>` metadata; token file first, then JWT) wins over a client
 * certificate (mTLS); with neither, the call is unauthenticated.
 */
import type { CallerInfo } from "../contracts.js";
import type { Authentication } from "./authentication.js";
import { bearerFromMetadata } from "./bearer.js";
import { unauthenticated } from "./errors.js";
import { type JwtVerifier, looksLikeJwt } from "./jwt.js";
import { principalFromPeer } from "./mtls.js";
import type { TokenFile } from "./tokenFile.js";

export interface CredentialSources {
  readonly tokens?: TokenFile;
  readonly jwt?: JwtVerifier;
  /** Client certificates (verified against the CA) identify callers. */
  readonly mtls: boolean;
}

type Presented =
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "peer"; readonly auth: Authentication };

export class Authenticator {
  readonly #sources: CredentialSources;

  constructor(sources: CredentialSources) {
    this.#sources = sources;
  }

  get bearer(): boolean {
    return this.#sources.tokens !== undefined || this.#sources.jwt !== undefined;
  }

  /** What a caller should send, for "what to fix" messages. */
  get accepted(): string {
    const kinds = [
      ...(this.#sources.tokens ? ["a token from the token file"] : []),
      ...(this.#sources.jwt ? ["a JWT whose sub is your agent id"] : []),
    ];
    const bearer = kinds.length > 0 ? `"authorization: Bearer <token>" metadata (${kinds.join(" or ")})` : "";
    const cert = this.#sources.mtls ? "a client certificate (CN or URI SAN sw4rm://agent/<id>)" : "";
    return [bearer, cert].filter((s) => s !== "").join(" or ");
  }

  /** Authenticates a gRPC call; throws an unauthenticated Sw4rmError saying what is wrong. */
  async authenticate(caller: CallerInfo): Promise<Authentication> {
    const presented = this.#presented(caller);
    return presented.kind === "peer" ? presented.auth : this.verifyBearer(presented.token);
  }

  /** Like authenticate() but synchronous: JWTs (verified asynchronously) must have been seen by authenticate(). */
  authenticateSync(caller: CallerInfo): Authentication {
    const presented = this.#presented(caller);
    if (presented.kind === "peer") return presented.auth;
    const fromFile = this.#sources.tokens?.lookup(presented.token);
    if (fromFile) return fromFile;
    throw unauthenticated("this call's bearer credential was not verified when the call started");
  }

  /** Verifies a bearer token (also used by the admin HTTP surface). */
  async verifyBearer(token: string): Promise<Authentication> {
    const fromFile = this.#sources.tokens?.lookup(token);
    if (fromFile) return fromFile;
    if (this.#sources.jwt && looksLikeJwt(token)) return this.#sources.jwt.verify(token);
    throw unauthenticated(
      this.#sources.jwt
        ? "unknown bearer token: it is neither in the token file nor a JWT"
        : "unknown bearer token: it is not in the token file",
    );
  }

  #presented(caller: CallerInfo): Presented {
    const token = this.bearer ? bearerFromMetadata(caller.metadata) : undefined;
    if (token !== undefined) return { kind: "bearer", token };
    if (this.#sources.mtls) {
      const principal = principalFromPeer(caller.getAuthContext());
      if (principal) return { kind: "peer", auth: { principal } };
      throw unauthenticated(`no usable client certificate: send ${this.accepted}`);
    }
    throw unauthenticated(`missing credentials: send ${this.accepted}`);
  }
}
