/** Router tunables and their defaults. */
import { DEFAULTS, type MessageType } from "@sw4rm/protocol";

export interface RouterOptions {
  /** Queued + in-flight copies per recipient before new messages are refused with buffer_full (spec §13). */
  readonly inboundBufferCapacity?: number;
  /** How long a delivered copy waits for AckDelivery before it is redelivered with the same seq. */
  readonly deliveryLeaseMs?: number;
  /** Un-acked copies in flight per stream (flow control). */
  readonly maxInFlightPerStream?: number;
  /** Idempotency / retry dedup window (spec §11.2). */
  readonly dedupWindowMs?: number;
  /** Max payload bytes per message type; defaults to doc §4.2. */
  readonly payloadLimits?: Partial<Record<MessageType, number>>;
  /** Interval of the TTL / prune sweep on the router clock. */
  readonly sweepIntervalMs?: number;
  /** PRIVILEGED token bucket: burst size and refill per second (spec §1.9 rate limit). */
  readonly privilegedBurst?: number;
  readonly privilegedPerSecond?: number;
  /** Weighted round robin between STANDARD and BULK (PRIVILEGED overflow counts as STANDARD). */
  readonly laneWeights?: { readonly standard: number; readonly bulk: number };
  /** Max admissions committed in one transaction (group commit). */
  readonly maxBatch?: number;
  /** producer_id of envelopes the router itself emits (NACKs). */
  readonly routerId?: string;
}

export type ResolvedRouterOptions = Required<Omit<RouterOptions, "payloadLimits">> & {
  readonly payloadLimits: Partial<Record<MessageType, number>>;
};

export function resolveRouterOptions(options: RouterOptions = {}): ResolvedRouterOptions {
  return {
    inboundBufferCapacity: options.inboundBufferCapacity ?? DEFAULTS.inboundBufferCapacity,
    deliveryLeaseMs: options.deliveryLeaseMs ?? DEFAULTS.deliveryLeaseMs,
    maxInFlightPerStream: options.maxInFlightPerStream ?? 64,
    dedupWindowMs: options.dedupWindowMs ?? DEFAULTS.dedupWindowMs,
    payloadLimits: options.payloadLimits ?? {},
    sweepIntervalMs: options.sweepIntervalMs ?? 1_000,
    privilegedBurst: options.privilegedBurst ?? 20,
    privilegedPerSecond: options.privilegedPerSecond ?? 50,
    laneWeights: options.laneWeights ?? { standard: 4, bulk: 1 },
    maxBatch: options.maxBatch ?? 256,
    routerId: options.routerId ?? "sw4rm-router",
  };
}
