/**
 * Pre-queues messages by opening the router's SQLite store directly (the built SqliteRouterStore the
 * server itself runs), while no server is running on the data dir. Filling 100k messages through
 * SendMessage would take minutes at the canonical rate; the rows written here are the ones
 * admission writes (same store code, same envelope bytes as a producer would send).
 */
import { CommunicationClass, CONTENT_TYPES, DEFAULTS, Envelope, EnvelopeFactory, MessageType } from "@sw4rm/protocol";
import { SqliteRouterStore } from "../../../packages/server/dist/services/router/sqliteRouterStore.js";
import type { AdmitItem } from "../../../packages/server/dist/services/router/store.js";
import { payloadTemplate, stamped } from "../payload.js";

export interface PrequeueOptions {
  readonly dataDir: string;
  /** Messages are spread round robin over these (registered) agents. */
  readonly agentIds: readonly string[];
  readonly count: number;
  readonly payloadBytes: number;
  /** Messages per transaction. */
  readonly batch?: number;
}

/** Writes `count` queued messages; returns how long it took (ms). */
export async function prequeue(o: PrequeueOptions): Promise<number> {
  const started = performance.now();
  // NORMAL: the fill is set-up, not measured; the server reopens the file with its own setting.
  const store = SqliteRouterStore.inDir(o.dataDir, { synchronous: "NORMAL" });
  try {
    const factory = new EnvelopeFactory({ producerId: "bench-prequeue" });
    const template = payloadTemplate(o.payloadBytes);
    const batch = o.batch ?? 1000;
    for (let done = 0; done < o.count; done += batch) {
      const now = Date.now();
      const items: AdmitItem[] = [];
      for (let i = done; i < Math.min(o.count, done + batch); i++) {
        // Stamped NaN: these have no send time, so consumers record no latency for them.
        const env = factory.create({
          messageType: MessageType.DATA,
          payload: stamped(template, Number.NaN),
          contentType: CONTENT_TYPES.octetStream,
        });
        items.push({
          messageId: env.messageId,
          producerId: env.producerId,
          correlationId: env.correlationId,
          idempotencyToken: "",
          sequenceNumber: env.sequenceNumber,
          retryCount: 0,
          messageType: env.messageType,
          contentType: env.contentType,
          envelope: Envelope.encode(env).finish(),
          payloadSize: env.payload.byteLength,
          recipients: [o.agentIds[i % o.agentIds.length] ?? ""],
          lane: CommunicationClass.STANDARD,
          admittedAtMs: now,
          dedupWindowMs: DEFAULTS.dedupWindowMs,
        });
      }
      const outcomes = await store.admit(items, now);
      const refused = outcomes.find((r) => r.kind !== "accepted");
      if (refused) throw new Error(`pre-queue admission refused: ${refused.kind}`);
    }
  } finally {
    await store.close();
  }
  return performance.now() - started;
}
