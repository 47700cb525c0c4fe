import type { Envelope } from "@sw4rm/protocol";
import type { CallOptions } from "../transport/options.js";

/**
 * One item delivered from an agent's inbox, the same shape on both receive paths (fast-path session
 * and canonical StreamIncoming), as nats.js delivers JetStream messages. Settle it exactly once with
 * ack() or term(); a settle that failed (connection lost) may be called again.
 */
export interface DeliveredItem {
  readonly agentId: string;
  readonly envelope: Envelope;
  /** The router's delivery sequence; a redelivery keeps the same seq. */
  readonly seq: bigint;
  /** AckDelivery DELIVERED: the router forgets the item. Resolves to the router's `recorded`. */
  ack(options?: CallOptions): Promise<boolean>;
  /** AckDelivery PERMANENT_FAILURE: the item is not redelivered. */
  term(options?: CallOptions): Promise<boolean>;
  /** Whether ack() or term() has succeeded. */
  readonly settled: boolean;
}
