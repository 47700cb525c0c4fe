/**
 * Well-behaved agents that keep the server's happy path busy while it is fuzzed: each "sink" holds a
 * StreamIncoming open, acks every delivery (AckDelivery DELIVERED) and answers scheduler RUN commands
 * with READ and FULFILLED ACK envelopes, so valid SendMessage and SubmitTask inputs addressed to sinks
 * are admitted, delivered and finished instead of piling up as BUFFER_FULL.
 */
import {
  AckStage,
  buildAckEnvelope,
  DeliveryAckOutcome,
  DeliveryAckRequest,
  EnvelopeFactory,
  MessageType,
  SendMessageRequest,
  StreamItem,
  StreamRequest,
} from "@sw4rm/protocol";
import type { FuzzServer } from "./fuzzServer.js";
import { registerPoolAgents } from "./pools.js";
import { type OpenStream, RawClient } from "./rawClient.js";

const ROUTER = "/sw4rm.router.RouterService";
const SCHEDULER_AGENT_ID = "sw4rm-scheduler";

export interface Sinks {
  readonly ids: readonly string[];
  /** Deliveries acked so far. */
  delivered(): number;
  stop(): Promise<void>;
}

export async function startSinks(server: FuzzServer, ids: readonly string[]): Promise<Sinks> {
  await registerPoolAgents(server, ids);
  const client = new RawClient(server.addresses.router, true);
  let delivered = 0;
  let stopped = false;
  const streams = new Map<string, OpenStream>();

  const handle = async (agentId: string, factory: EnvelopeFactory, bytes: Buffer) => {
    const item = StreamItem.decode(bytes);
    const msg = item.msg;
    if (!msg) return;
    const ack = DeliveryAckRequest.encode({
      agentId,
      seq: item.seq,
      messageId: msg.messageId,
      outcome: DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED,
    }).finish();
    await client.unary(`${ROUTER}/AckDelivery`, Buffer.from(ack));
    delivered++;
    if (msg.producerId !== SCHEDULER_AGENT_ID || msg.messageType !== MessageType.CONTROL) return;
    for (const stage of [AckStage.READ, AckStage.FULFILLED]) {
      const env = buildAckEnvelope(factory, { ackFor: msg, stage });
      await client.unary(`${ROUTER}/SendMessage`, Buffer.from(SendMessageRequest.encode({ msg: env }).finish()));
    }
  };

  const open = (agentId: string) => {
    if (stopped) return;
    const factory = new EnvelopeFactory({ producerId: agentId });
    const body = Buffer.from(StreamRequest.encode({ agentId }).finish());
    const stream = client.stream(`${ROUTER}/StreamIncoming`, body, (bytes) => {
      handle(agentId, factory, bytes).catch(() => undefined); // a sink never fails the fuzz run
    });
    streams.set(agentId, stream);
    // Replaced (someone else streamed as this agent) or cut: come back.
    void stream.done.then(() => setTimeout(() => open(agentId), 100));
  };
  for (const id of ids) open(id);

  return {
    ids,
    delivered: () => delivered,
    async stop() {
      stopped = true;
      for (const s of streams.values()) s.cancel();
      await Promise.all([...streams.values()].map((s) => s.done));
      client.close();
    },
  };
}
