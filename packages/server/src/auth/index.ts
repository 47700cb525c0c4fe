/** Authentication (token file, JWT, mTLS) and authorization (per-method policies, CallGuard) of the server. */
export type { AdminAuthorizer } from "./adminAccess.js";
export { adminAuthorizer, ANY_CREDENTIAL_ADMIN_PATHS, OPEN_ADMIN_PATHS } from "./adminAccess.js";
export type { Authentication } from "./authentication.js";
export { actorOf, describePrincipal } from "./authentication.js";
export type { CredentialSources } from "./authenticator.js";
export { Authenticator } from "./authenticator.js";
export { AUTHORIZATION_KEY, bearerFromMetadata, parseBearer } from "./bearer.js";
export type { BindCheck } from "./bindPolicy.js";
export { checkExposure, isLoopbackHost } from "./bindPolicy.js";
export { isUnauthenticated, permissionDenied, unauthenticated } from "./errors.js";
export type { RefusalContext } from "./guard.js";
export { AuthGuard } from "./guard.js";
export { ADMIN_CLAIM, ADMIN_SCOPE, JwtVerifier, looksLikeJwt } from "./jwt.js";
export { loadPublicKeys, loadSecret, MIN_HS256_SECRET_BYTES } from "./jwtKeys.js";
export { principalFromPeer } from "./mtls.js";
export { CANONICAL_POLICIES, policyFor } from "./policies.js";
export type { MethodPolicy } from "./policy.js";
export { ADMIN_POLICY, AUTHENTICATED_POLICY, evaluate, OPEN_POLICY, selfOnly } from "./policy.js";
export type { ServerAuth, ServerAuthInput } from "./serverAuth.js";
export { createServerAuth } from "./serverAuth.js";
export type { AuthSettings, JwtSettings, TlsSettings } from "./settings.js";
export {
  authEnabled,
  DEFAULT_AUTH_SETTINGS,
  DEFAULT_TLS_SETTINGS,
  hasBearerSource,
  tlsEnabled,
} from "./settings.js";
export { checkTlsSettings, serverCredentials } from "./tlsCredentials.js";
export { TOKEN_FILE_RECHECK_MS, TokenFile } from "./tokenFile.js";
export type { TokenEntry } from "./tokenFileFormat.js";
export { hashToken, MIN_PLAIN_TOKEN_LENGTH, parseTokenFile } from "./tokenFileFormat.js";
export { AUTH_ENV, authFromEnv } from "./env.js";
export type { AuthInput, TlsInput } from "./settings.js";
export { mergeAuth, mergeTls } from "./settings.js";
