/**
 * Builds the server's authentication from its settings: credential sources (token file, JWT keys,
 * client certificates), the CallGuard, the gRPC server credentials and the admin HTTP check. The
 * start-up rule for non-loopback binds is bindPolicy.ts (checked once the bind addresses are known).
 */
import type { ServerCredentials } from "@grpc/grpc-js";
import type { Clock } from "@sw4rm/protocol";
import type { Logger } from "../contracts.js";
import { type AdminAuthorizer, adminAuthorizer } from "./adminAccess.js";
import { Authenticator } from "./authenticator.js";
import { AuthGuard } from "./guard.js";
import { JwtVerifier } from "./jwt.js";
import { type AuthSettings, authEnabled, type TlsSettings, tlsEnabled } from "./settings.js";
import { serverCredentials } from "./tlsCredentials.js";
import { TokenFile } from "./tokenFile.js";

export interface ServerAuth {
  /** Present when callers are authenticated; absent = auth off (every call allowed, as before). */
  readonly guard: AuthGuard | undefined;
  /** Checks admin HTTP requests; absent when auth is off. */
  readonly admin: AdminAuthorizer | undefined;
  readonly credentials: ServerCredentials;
  readonly tls: boolean;
}

export interface ServerAuthInput {
  readonly auth: AuthSettings;
  readonly tls: TlsSettings;
}

/** Reads the credential and key files; throws (naming the file or option to fix) when they are unusable. */
export function createServerAuth(input: ServerAuthInput, deps: { clock: Clock; logger: Logger }): ServerAuth {
  const credentials = serverCredentials(input.tls);
  const tls = tlsEnabled(input.tls);
  if (!authEnabled(input.auth, input.tls)) return { guard: undefined, admin: undefined, credentials, tls };
  const logger = deps.logger.child({ component: "auth" });
  const tokens =
    input.auth.tokensFile === undefined ? undefined : new TokenFile(input.auth.tokensFile, { clock: deps.clock, logger });
  const { secretFile, publicKeyFile } = input.auth.jwt;
  const jwt =
    secretFile === undefined && publicKeyFile === undefined ? undefined : new JwtVerifier(input.auth.jwt, deps.clock);
  const mtls = tls && input.tls.requireClientCert;
  const authenticator = new Authenticator({ ...(tokens ? { tokens } : {}), ...(jwt ? { jwt } : {}), mtls });
  const guard = new AuthGuard({ authenticator, clock: deps.clock, logger });
  logger.info(
    {
      tokenFile: tokens ? { file: tokens.file, tokens: tokens.size } : undefined,
      jwt: jwt && { algorithms: jwt.algorithms, issuer: input.auth.jwt.issuer, audience: input.auth.jwt.audience },
      mtls,
      tls,
    },
    "auth: callers are authenticated",
  );
  return { guard, admin: adminAuthorizer(guard), credentials, tls };
}
