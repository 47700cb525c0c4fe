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
  /** Max admissions (and, separately, acks) committed in one transaction (group commit). */
  readonly maxBatch?: number;
  /** Queued copies read from storage per lane and recipient at a time (the in-memory read-ahead). */
  readonly readAhead?: number;
  /** Most deliveries written in one go (one frame on the streaming session). */
  readonly maxDeliveryBatch?: number;
  /**
   * "power-loss" (default): accepted=true / recorded=true only after the commit is fsynced.
   * "process-crash": commits reach the OS before the answer (survive kill -9) and are fsynced at
   * checkpoints, so the last ones may be lost on power loss; several times faster on slow disks.
   */
  readonly durability?: "power-loss" | "process-crash";
  /**
   * Where `sw4rm up` runs the SQLite store: "main" (default: the event loop's thread) or "worker" (its
   * own thread: database work never stalls gRPC I/O, at the cost of a message hop per store call; on
   * the 2-core bench machine "main" measured faster, see BENCHMARKS.md).
   */
  readonly storeThread?: "worker" | "main";
  /** producer_id of envelopes the router itself emits (NACKs). */
  readonly routerId?: string;
}

export type ResolvedRouterOptions = Required<Omit<RouterOptions, "payloadLimits">> & {
  readonly payloadLimits: Partial<Record<MessageType, number>>;
};

export function resolveRouterOptions(options: RouterOptions = {}): ResolvedRouterOptions {
  if (options.durability !== undefined && options.durability !== "power-loss" && options.durability !== "process-crash")
    throw new TypeError(
      `router option durability must be "power-loss" or "process-crash", got ${JSON.stringify(options.durability)}`,
    );
  if (options.storeThread !== undefined && options.storeThread !== "worker" && options.storeThread !== "main")
    throw new TypeError(`router option storeThread must be "worker" or "main", got ${JSON.stringify(options.storeThread)}`);
  return {
    inboundBufferCapacity: options.inboundBufferCapacity ?? DEFAULTS.inboundBufferCapacity,
    deliveryLeaseMs: options.deliveryLeaseMs ?? DEFAULTS.deliveryLeaseMs,
    maxInFlightPerStream: options.maxInFlightPerStream ?? 256,
    dedupWindowMs: options.dedupWindowMs ?? DEFAULTS.dedupWindowMs,
    payloadLimits: options.payloadLimits ?? {},
    sweepIntervalMs: options.sweepIntervalMs ?? 1_000,
    privilegedBurst: options.privilegedBurst ?? 20,
    privilegedPerSecond: options.privilegedPerSecond ?? 50,
    laneWeights: options.laneWeights ?? { standard: 4, bulk: 1 },
    maxBatch: options.maxBatch ?? 256,
    readAhead: options.readAhead ?? 256,
    maxDeliveryBatch: options.maxDeliveryBatch ?? 64,
    durability: options.durability ?? "power-loss",
    storeThread: options.storeThread ?? "main",
    routerId: options.routerId ?? "sw4rm-router",
  };
}
