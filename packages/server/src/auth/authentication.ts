/** What a verified credential yields, and how callers' credentials are described in logs. */
import type { Principal } from "../contracts.js";

export interface Authentication {
  readonly principal: Principal;
  /** Epoch ms after which the credential no longer holds (JWT `exp`); undefined = no expiry. */
  readonly expiresAtMs?: number;
  /** False once the credential was revoked (e.g. removed from a reloaded token file). */
  readonly stillValid?: () => boolean;
}

/** `agent "a" (jwt)`, `admin "ops" (token)`, `an admin credential (token)` for messages and logs. */
export function describePrincipal(p: Principal): string {
  if (p.agentId === "") return `an admin credential (${p.method})`;
  return `${p.admin ? "admin" : "agent"} "${p.agentId}" (${p.method})`;
}

/** The `actor` field of refusal logs: the agent id, "admin" for an admin-only credential, or "anonymous". */
export function actorOf(p: Principal | undefined): string {
  if (p === undefined) return "anonymous";
  return p.agentId === "" ? "admin" : p.agentId;
}
