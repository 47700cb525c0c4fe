/**
 * Consumers on the canonical path: one StreamIncoming per agent, every item acked with AckDelivery
 * (DELIVERED, the item's seq and message_id) on the same channel. Streams are spread over channels
 * (`streamsPerChannel` each) so HTTP/2 stream limits and one connection's flow control do not bind.
 */
import { type ClientReadableStream, status } from "@grpc/grpc-js";
import {
  type DeliveryAckResponse,
  DeliveryAckOutcome,
  type RouterServiceClient,
  type StreamItem,
} from "@sw4rm/protocol";
import { ready, routerClient } from "../grpc.js";
import { scheduleOf, stampOf } from "../payload.js";
import { now } from "../timing.js";
import type { PipelineStats } from "./stats.js";

export interface ConsumerOptions {
  readonly routerAddr: string;
  readonly agentIds: readonly string[];
  readonly stats: PipelineStats;
  readonly streamsPerChannel?: number;
  /** Called for each item before it is acked (e.g. the recovery scenario's first-delivery time). */
  readonly onItem?: (agentId: string, item: StreamItem, at: number) => void;
}

export class ConsumerPool {
  readonly #clients: RouterServiceClient[] = [];
  readonly #calls: ClientReadableStream<StreamItem>[] = [];
  #closing = false;

  private constructor() {}

  static async open(options: ConsumerOptions): Promise<ConsumerPool> {
    const pool = new ConsumerPool();
    const perChannel = options.streamsPerChannel ?? 100;
    for (let i = 0; i < options.agentIds.length; i += perChannel) {
      const client = routerClient(options.routerAddr);
      pool.#clients.push(client);
      await ready(client);
      for (const agentId of options.agentIds.slice(i, i + perChannel)) pool.#stream(client, agentId, options);
    }
    return pool;
  }

  #stream(client: RouterServiceClient, agentId: string, o: ConsumerOptions): void {
    const { stats } = o;
    const call = client.streamIncoming({ agentId });
    this.#calls.push(call);
    call.on("data", (item: StreamItem) => {
      const at = now();
      stats.delivered.mark();
      const msg = item.msg;
      if (msg) {
        const sentAt = stampOf(msg.payload);
        if (Number.isFinite(sentAt)) stats.latency.record(sentAt, at - sentAt);
        const dueAt = scheduleOf(msg.payload);
        if (Number.isFinite(dueAt)) stats.lag.record(dueAt, at - dueAt);
      }
      o.onItem?.(agentId, item, at);
      const request = {
        agentId,
        seq: item.seq,
        messageId: msg?.messageId ?? "",
        outcome: DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED,
      };
      client.ackDelivery(request, (error: Error | null, res: DeliveryAckResponse) => {
        if (error) {
          if (!this.#closing) stats.error("AckDelivery", error);
        } else if (res.recorded) stats.acked.mark();
        else stats.unrecordedAcks++;
      });
    });
    call.on("error", (error: Error & { code?: number }) => {
      if (!(this.#closing && error.code === status.CANCELLED)) stats.error(`StreamIncoming ${agentId}`, error);
    });
  }

  get streams(): number {
    return this.#calls.length;
  }

  close(): void {
    this.#closing = true;
    for (const call of this.#calls) call.cancel();
    for (const client of this.#clients) client.close();
  }
}
