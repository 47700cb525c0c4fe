/** Catalog entry of the router (RouterService + the RouterSession fast path, port 50051). */
import { type CatalogEntry, schema } from "../entry.js";
import { registerRouterCommands } from "./cli.js";

const options = schema.object(
  {
    inboundBufferCapacity: schema.int(
      1,
      "Queued + in-flight copies per recipient before new messages are refused with buffer_full (spec §13)",
    ),
    deliveryLeaseMs: schema.int(1, "How long a delivered copy waits for AckDelivery before it is redelivered with the same seq"),
    maxInFlightPerStream: schema.int(1, "Un-acked copies in flight per stream (flow control)"),
    dedupWindowMs: schema.int(0, "Idempotency / retry dedup window (spec §11.2)"),
    payloadLimits: schema.map(
      { type: "integer", minimum: 0 },
      "Max payload bytes per message type number (default: the protocol's limits, doc §4.2)",
      "^[0-9]+$",
    ),
    sweepIntervalMs: schema.int(1, "Interval of the TTL / prune sweep"),
    privilegedBurst: schema.int(1, "PRIVILEGED lane token bucket: burst size (spec §1.9)"),
    privilegedPerSecond: schema.num(0, "PRIVILEGED lane token bucket: refill per second"),
    laneWeights: schema.object(
      { standard: schema.int(1, "STANDARD weight"), bulk: schema.int(1, "BULK weight") },
      "Weighted round robin between STANDARD and BULK",
    ),
    maxBatch: schema.int(1, "Max admissions (and, separately, acks) committed in one transaction"),
    readAhead: schema.int(1, "Queued copies read from storage per lane and recipient at a time"),
    maxDeliveryBatch: schema.int(1, "Most deliveries written in one go (one frame on the streaming session)"),
    durability: schema.oneOf(
      ["power-loss", "process-crash"],
      "power-loss: accepted only after fsync; process-crash: survives kill -9, the last commits may be lost on power loss",
    ),
    storeThread: schema.oneOf(["main", "worker"], "Where the SQLite store runs: the event loop's thread or its own"),
    routerId: schema.str("producer_id of envelopes the router itself emits (NACKs)"),
  },
  "Router tunables",
);

export const routerEntry: CatalogEntry = {
  name: "router",
  description: "Durable point-to-point delivery (RouterService) and the streaming fast path (RouterSession)",
  serves: ["router"],
  settings: { options },
  adminPaths: ["/v1/queues", "/v1/messages", "/v1/dlq"],
  cli: registerRouterCommands,
  load: async () => (await import("./module.js")).routerModule,
};
