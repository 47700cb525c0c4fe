/**
 * Per-method authorization policies, evaluated on the decoded request before the handler runs.
 *
 * - open: no credentials needed;
 * - authenticated: any valid credential;
 * - admin: an admin credential;
 * - self: the agent named in a request field (the caller itself), or an admin.
 */
import type { Principal } from "../contracts.js";
import { describePrincipal } from "./authentication.js";

export type MethodPolicy =
  | { readonly kind: "open" }
  | { readonly kind: "authenticated" }
  | { readonly kind: "admin" }
  | {
      readonly kind: "self";
      /** The request field naming the agent, for messages (e.g. "msg.producer_id"). */
      readonly field: string;
      /** Why, for messages (e.g. "an agent sends only as itself"). */
      readonly rule: string;
      readonly subject: (request: unknown) => string;
    };

export const OPEN_POLICY: MethodPolicy = { kind: "open" };
export const AUTHENTICATED_POLICY: MethodPolicy = { kind: "authenticated" };
export const ADMIN_POLICY: MethodPolicy = { kind: "admin" };

/** A `self` policy over a request type (the request is decoded by the same method's definition). */
export function selfOnly<Req>(field: string, rule: string, subject: (request: Req) => string | undefined): MethodPolicy {
  return { kind: "self", field, rule, subject: (request) => (subject(request as Req) ?? "").trim() };
}

/** undefined when `principal` may make this call; otherwise the refusal message (who tried what, what to fix). */
export function evaluate(policy: MethodPolicy, principal: Principal, method: string, request: unknown): string | undefined {
  if (policy.kind === "open" || policy.kind === "authenticated" || principal.admin) return undefined;
  const who = describePrincipal(principal);
  if (policy.kind === "admin") return `${who} may not call ${method}: it needs an admin credential`;
  const subject = policy.subject(request);
  if (subject === principal.agentId) return undefined;
  return (
    `${who} may not call ${method} with ${policy.field} "${subject}": ${policy.rule} ` +
    `(set ${policy.field} to "${principal.agentId}", or use a credential issued for "${subject}" or an admin credential)`
  );
}
