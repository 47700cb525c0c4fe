/**
 * Admin HTTP surface access when auth is on: `/healthz` is open; `/metrics` takes any valid bearer
 * credential (so a Prometheus scraper needs no admin power); every other route needs an admin
 * credential. 401 (with `WWW-Authenticate: Bearer`) without a valid credential, 403 without admin.
 * The admin surface is plain HTTP, so it authenticates bearer tokens only (no client certificates).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Sw4rmError } from "@sw4rm/protocol";
import { HttpError } from "../admin/json.js";
import type { Principal } from "../contracts.js";
import { describePrincipal } from "./authentication.js";
import { parseBearer } from "./bearer.js";
import { permissionDenied, unauthenticated } from "./errors.js";
import type { AuthGuard, RefusalContext } from "./guard.js";

export type AdminAuthorizer = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

export const OPEN_ADMIN_PATHS: ReadonlySet<string> = new Set(["/healthz"]);
export const ANY_CREDENTIAL_ADMIN_PATHS: ReadonlySet<string> = new Set(["/metrics"]);

async function authenticate(guard: AuthGuard, header: string | undefined, context: RefusalContext): Promise<Principal> {
  if (!guard.authenticator.bearer)
    throw guard.refuse(
      undefined,
      unauthenticated("the admin API needs bearer credentials: configure --auth-tokens or --auth-jwt-* on the server"),
      context,
    );
  let token: string | undefined;
  try {
    token = parseBearer(header);
  } catch (err) {
    throw guard.refuse(undefined, Sw4rmError.from(err), context);
  }
  return guard.verifyBearer(token, context);
}

export function adminAuthorizer(guard: AuthGuard): AdminAuthorizer {
  return async (req, res, path) => {
    if (OPEN_ADMIN_PATHS.has(path)) return;
    const context = { method: `${req.method ?? "GET"} ${path}`, peer: req.socket.remoteAddress };
    let principal: Principal;
    try {
      principal = await authenticate(guard, req.headers.authorization, context);
    } catch (err) {
      res.setHeader("www-authenticate", 'Bearer realm="sw4rm-admin"');
      throw new HttpError(
        401,
        "unauthenticated",
        `${(err as Error).message} (admin API: send "Authorization: Bearer <admin token>"; CLI: --token or SW4RM_TOKEN)`,
      );
    }
    if (ANY_CREDENTIAL_ADMIN_PATHS.has(path) || principal.admin) return;
    const denied = permissionDenied(
      `${describePrincipal(principal)} may not use the admin API (${context.method}): it needs an admin credential`,
    );
    throw new HttpError(403, "permission_denied", guard.refuse(principal, denied, context).message);
  };
}
