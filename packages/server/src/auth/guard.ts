/**
 * The CallGuard of an authenticating server. Calls are authenticated when they start (admit, async
 * because JWT verification is); the result is remembered per call so principal(call) is synchronous
 * for handlers that check identities inside messages (and re-checks expiry and revocation, so a
 * long-lived stream stops being trusted when its credential lapses). Every refusal is logged at
 * warn with the actor, the method/action and the reason.
 */
import { type Clock, isoFromMs, Sw4rmError } from "@sw4rm/protocol";
import type { CallerInfo, CallGuard, Logger, Principal } from "../contracts.js";
import { actorOf, type Authentication, describePrincipal } from "./authentication.js";
import type { Authenticator } from "./authenticator.js";
import { permissionDenied, unauthenticated } from "./errors.js";
import { evaluate, type MethodPolicy } from "./policy.js";

export interface RefusalContext {
  /** gRPC method path, or admin HTTP "METHOD /path". */
  readonly method?: string;
  /** What was attempted, when narrower than the method. */
  readonly action?: string;
  /** The agent id the caller tried to act as. */
  readonly target?: string;
  readonly peer?: string;
}

export class AuthGuard implements CallGuard {
  readonly enabled = true;
  readonly authenticator: Authenticator;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #calls = new WeakMap<object, Authentication>();

  constructor(deps: { authenticator: Authenticator; clock: Clock; logger: Logger }) {
    this.authenticator = deps.authenticator;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
  }

  /** Authenticates `call` and checks `policy` on its request; the refusal (logged) or undefined. */
  async admit(call: CallerInfo, method: string, policy: MethodPolicy, request: unknown): Promise<Sw4rmError | undefined> {
    if (policy.kind === "open") return undefined;
    const context = { method, peer: peerOf(call) };
    let auth: Authentication;
    try {
      auth = await this.authenticator.authenticate(call);
    } catch (err) {
      return this.refuse(undefined, Sw4rmError.from(err), context);
    }
    this.#calls.set(call, auth);
    const denied = evaluate(policy, auth.principal, method, request);
    return denied === undefined ? undefined : this.refuse(auth.principal, permissionDenied(denied), context);
  }

  /** The caller of `call` as authenticated when it started; throws (logged) when that no longer holds. */
  principal(call: CallerInfo): Principal {
    let auth = this.#calls.get(call);
    const context = { peer: peerOf(call) };
    if (auth === undefined) {
      try {
        auth = this.authenticator.authenticateSync(call);
      } catch (err) {
        throw this.refuse(undefined, Sw4rmError.from(err), context);
      }
      this.#calls.set(call, auth);
    }
    if (auth.expiresAtMs !== undefined && this.#clock.now() >= auth.expiresAtMs)
      throw this.refuse(
        auth.principal,
        unauthenticated(
          `the credential of ${describePrincipal(auth.principal)} expired at ${isoFromMs(auth.expiresAtMs)}: ` +
            "reconnect with a fresh token",
        ),
        context,
      );
    if (auth.stillValid && !auth.stillValid())
      throw this.refuse(
        auth.principal,
        unauthenticated(`the credential of ${describePrincipal(auth.principal)} was revoked`),
        context,
      );
    return auth.principal;
  }

  checkActAs(principal: Principal | undefined, agentId: string, action: string): Sw4rmError | undefined {
    if (principal === undefined)
      return this.refuse(undefined, unauthenticated(`${action} needs credentials: send ${this.authenticator.accepted}`), {
        action,
      });
    if (principal.admin || principal.agentId === agentId.trim()) return undefined;
    const message =
      `${describePrincipal(principal)} may not ${action} as agent "${agentId}": an agent acts only as itself ` +
      `(use a credential issued for "${agentId}", or an admin credential)`;
    return this.refuse(principal, permissionDenied(message), { action, target: agentId });
  }

  /** Admin HTTP surface: the principal of a bearer token; throws (logged) a 401-kind error. */
  async verifyBearer(token: string | undefined, context: RefusalContext): Promise<Principal> {
    try {
      if (token === undefined) throw unauthenticated(`missing credentials: send "authorization: Bearer <token>"`);
      return (await this.authenticator.verifyBearer(token)).principal;
    } catch (err) {
      throw this.refuse(undefined, Sw4rmError.from(err), context);
    }
  }

  /** Logs a refusal (warn: actor, credential kind, method/action, peer, reason) and returns the error. */
  refuse(principal: Principal | undefined, error: Sw4rmError, context: RefusalContext): Sw4rmError {
    this.#logger.warn(
      {
        event: "auth_refused",
        actor: actorOf(principal),
        credential: principal?.method,
        ...context,
        status: error.reason,
        reason: error.message,
      },
      `auth: refused ${actorOf(principal)}${attempt(context)}: ${error.message}`,
    );
    return error;
  }
}

function attempt(context: RefusalContext): string {
  if (context.method) return ` calling ${context.method}`;
  return context.action ? ` (${context.action})` : "";
}

function peerOf(call: CallerInfo): string | undefined {
  try {
    return call.getPeer();
  } catch {
    return undefined;
  }
}
