/**
 * grpc-js handler of the fast path `sw4rm.ext.router.v1.RouterSession/Session` (proto/ext/
 * router_session.proto). Same core as the canonical RouterService: sends go through Admission (so
 * they share its group commit), deliveries through a DeliverySession on a credit-windowed sink, acks
 * through the router's ack group commit. Only the framing differs: batches instead of one call each.
 */
import { routerSession, validationError } from "@sw4rm/protocol";
import { SessionCall } from "./sessionCall.js";
import type { SessionCore, SessionDuplex } from "./sessionCore.js";
import { tolerantDeserialize } from "./wire.js";

/** The generated definition, with frames that do not decode answered INVALID_ARGUMENT (not INTERNAL). */
export const routerSessionDefinition = {
  ...routerSession.RouterSessionService,
  session: {
    ...routerSession.RouterSessionService.session,
    requestDeserialize: tolerantDeserialize(routerSession.ClientFrame, "sw4rm.ext.router.v1.ClientFrame"),
  },
} as const;

export function createSessionHandlers(core: SessionCore): routerSession.RouterSessionServer {
  return {
    session(call: SessionDuplex) {
      if (core.isClosed()) {
        call.emit("error", validationError("router", "is shutting down; reconnect later").toServiceError());
        return;
      }
      new SessionCall(call, core).start();
    },
  };
}
