/**
 * grpc-js handler of the fast path `sw4rm.ext.router.v1.RouterSession/Session` (proto/ext/
 * router_session.proto). Same core as the canonical RouterService: sends go through Admission (so
 * they share its group commit), deliveries through a DeliverySession on a credit-windowed sink, acks
 * through the router's ack group commit. Only the framing differs: batches instead of one call each.
 */
import { routerSession, validationError } from "@sw4rm/protocol";
import { raw, type ServiceHandlers } from "../../grpc/handlers.js";
import { SessionCall } from "./sessionCall.js";
import type { SessionCore, SessionDuplex } from "./sessionCore.js";

/** The generated definition; the call pipeline hands undecodable frames over as `Undecodable` markers. */
export const routerSessionDefinition = routerSession.RouterSessionService;

/** The session handler is raw: it runs its own credit window and batching on the grpc-js duplex. */
export function createSessionHandlers(core: SessionCore): ServiceHandlers<typeof routerSessionDefinition> {
  return {
    session: raw((call: SessionDuplex) => {
      if (core.isClosed()) {
        call.emit("error", validationError("router", "is shutting down; reconnect later").toServiceError());
        return;
      }
      new SessionCall(call, core).start();
    }),
  };
}
