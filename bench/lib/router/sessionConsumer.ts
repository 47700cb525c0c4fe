/**
 * A receiving RouterSession in a bench run: counts each delivery, records send-to-handler latency
 * (and the lag from its due time when a paced sender stamped one), and acks it on the same session.
 */
import type { RouterSession } from "@sw4rm/sdk";
import { scheduleOf, stampOf } from "../payload.js";
import { now } from "../timing.js";
import type { PipelineStats } from "./stats.js";

export function consumeSession(session: RouterSession, stats: PipelineStats): Promise<void> {
  return (async () => {
    try {
      for await (const d of session.deliveries()) {
        const at = now();
        stats.delivered.mark();
        const sentAt = stampOf(d.envelope.payload);
        if (Number.isFinite(sentAt)) stats.latency.record(sentAt, at - sentAt);
        const dueAt = scheduleOf(d.envelope.payload);
        if (Number.isFinite(dueAt)) stats.lag.record(dueAt, at - dueAt);
        session.ack(d).then(
          (recorded) => (recorded ? stats.acked.mark() : stats.unrecordedAcks++),
          (error: Error) => {
            if (!session.closed) stats.error("session ack", error);
          },
        );
      }
    } catch (error) {
      if (!session.closed) stats.error("session deliveries", error as Error);
    }
  })();
}
