/**
 * What one RouterSession stream (sessionCall.ts) uses of the router, and the call type it runs on.
 * Kept apart from sessionHandlers.ts, which creates the calls, so neither module imports the other.
 */
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { routerSession } from "@sw4rm/protocol";
import type { CallGuard, Logger } from "../../contracts.js";
import type { Admission } from "./admission.js";
import type { DeliverySession } from "./deliverySession.js";
import type { DeliverySink } from "./deliverySink.js";
import type { ResolvedRouterOptions } from "./options.js";

export type SessionDuplex = ServerDuplexStream<routerSession.ClientFrame, routerSession.ServerFrame>;

export interface SessionCore {
  readonly admission: Admission;
  readonly logger: Logger;
  readonly options: ResolvedRouterOptions;
  readonly guard: CallGuard | undefined;
  openDelivery(agentId: string, sink: DeliverySink): DeliverySession | undefined;
  closeDelivery(session: DeliverySession): void;
  ack(agentId: string, seq: bigint, messageId: string, outcome: number): Promise<boolean>;
  isClosed(): boolean;
  /** Names the store in storage-failure answers, e.g. "router.sqlite in /data". */
  describeStore(): string;
}
