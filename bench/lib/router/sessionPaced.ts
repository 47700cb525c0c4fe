/**
 * The 10 msg/s-per-agent scale run over the streaming fast path (SDK RouterSession): every
 * recipient holds a receiving session (acks batched on it), one producer session offers a fixed rate
 * (5 ms ticks, each send stamped with its due time). Counted with the same PipelineStats / window /
 * drain as the canonical paced run. The canonical path cannot even offer 10k msg/s from one client
 * process (that is above the bare unary echo ceiling), so issue 5's 1000-agent target is also run here.
 */
import { CONTENT_TYPES, EnvelopeFactory, MessageType } from "@sw4rm/protocol";
import { RouterClient, type RouterSession } from "@sw4rm/sdk";
import { CHANNEL_OPTIONS } from "../grpc.js";
import { payloadTemplate, stamped } from "../payload.js";
import { now, sleep } from "../timing.js";
import { consumeSession } from "./sessionConsumer.js";
import { PipelineStats } from "./stats.js";
import type { TrafficResult } from "./traffic.js";
import { assertNoErrors, drained, measureWindow } from "./window.js";

export interface SessionPacedOptions {
  readonly routerAddr: string;
  readonly recipients: readonly string[];
  readonly ratePerSec: number;
  readonly payloadBytes: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly serverPid?: number;
  /** Receiving sessions per client connection. */
  readonly sessionsPerClient?: number;
  /** Sends awaiting their result before the sender falls behind. */
  readonly maxInFlight?: number;
}

/** Offers `ratePerSec` on `producer`, round robin over `recipients`; returns stop() and how far behind it got. */
function pace(o: SessionPacedOptions, producer: RouterSession, stats: PipelineStats) {
  const factory = new EnvelopeFactory({ producerId: producer.agentId });
  const template = payloadTemplate(o.payloadBytes);
  const cap = o.maxInFlight ?? 8192;
  const start = now();
  let issued = 0;
  let inFlight = 0;
  let behind = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((now() - start) * o.ratePerSec) / 1000);
    while (issued < due && inFlight < cap) {
      const to = o.recipients[issued % o.recipients.length] ?? "";
      issued++;
      inFlight++;
      const env = factory.create({
        messageType: MessageType.DATA,
        payload: stamped(template, now(), start + (issued * 1000) / o.ratePerSec),
        contentType: CONTENT_TYPES.octetStream,
      });
      producer
        .send(env, { to })
        .then(
          (r) => {
            stats.sent.mark();
            if (r.accepted) stats.accepted.mark();
            else stats.reject(r.reason);
          },
          (error: Error) => stats.error("session send", error),
        )
        .finally(() => inFlight--);
    }
    behind = Math.max(behind, due - issued);
  }, 5);
  return {
    get behind() {
      return behind;
    },
    stop: () => clearInterval(timer),
  };
}

export async function runSessionPaced(o: SessionPacedOptions): Promise<TrafficResult> {
  const stats = new PipelineStats();
  const perClient = o.sessionsPerClient ?? 100;
  const clients: RouterClient[] = [];
  const sessions: RouterSession[] = [];
  const open = () => {
    const c = new RouterClient({ address: o.routerAddr, channelOptions: CHANNEL_OPTIONS });
    clients.push(c);
    return c;
  };
  let sender: ReturnType<typeof pace> | undefined;
  const loops: Promise<void>[] = [];
  try {
    for (let i = 0; i < o.recipients.length; i += perClient) {
      const client = open();
      for (const agentId of o.recipients.slice(i, i + perClient))
        sessions.push(client.openSession({ agentId, receive: true }));
    }
    const producer = open().openSession({ agentId: "bench-producer" });
    sessions.push(producer);
    await Promise.all(sessions.map((s) => s.ready()));
    for (const s of sessions) if (s !== producer) loops.push(consumeSession(s, stats));
    await sleep(100);
    sender = pace(o, producer, stats);
    const window = await measureWindow(stats, o.warmupMs, o.durationMs, o.serverPid);
    sender.stop();
    const ok = await drained(stats, 5_000);
    assertNoErrors(stats);
    return { stats, window, behind: sender.behind, drained: ok };
  } finally {
    sender?.stop();
    for (const s of sessions) s.close();
    await Promise.allSettled(loops);
    for (const c of clients) c.close();
  }
}
