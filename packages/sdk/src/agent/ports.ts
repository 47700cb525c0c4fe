import type { Envelope } from "@sw4rm/protocol";
import type { ActivityRecord } from "../activity/activityBuffer.js";
import type { RegistryClient } from "../clients/registryClient.js";
import type { DeliveredItem } from "../clients/deliveredItem.js";
import type { IncomingOptions } from "../clients/inboxReader.js";
import type { SendOptions } from "../clients/routerClient.js";
import type { SendResult } from "../clients/sendResult.js";
import type { RecordStore } from "../storage/recordStore.js";

/** What the Agent needs from a router (RouterClient implements it; tests pass an in-memory fake). */
export interface RouterPort {
  send(envelope: Envelope, options?: SendOptions): Promise<SendResult>;
  incoming(agentId: string, options?: IncomingOptions): AsyncIterable<DeliveredItem>;
  close?(): void;
}

/** What the Agent needs from a registry. */
export type RegistryPort = Pick<RegistryClient, "registerAgent" | "heartbeat" | "deregisterAgent"> & { close?(): void };

export type ActivityStore = RecordStore<ActivityRecord>;
