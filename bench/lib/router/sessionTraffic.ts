/**
 * One fast-path traffic run (scenario 4): the SDK's RouterSession (sw4rm.ext.router.v1.RouterSession).
 * A producer session keeps `window` sends in flight (they leave batched, one frame per event-loop
 * turn); every recipient has a receiving session and acks each delivery on it (acks leave batched).
 * Counted with the same PipelineStats / window / drain as the canonical run, so the rates compare.
 */
import { CONTENT_TYPES, EnvelopeFactory, MessageType } from "@sw4rm/protocol";
import { RouterClient } from "@sw4rm/sdk";
import { payloadTemplate, stamped } from "../payload.js";
import { now, sleep } from "../timing.js";
import { consumeSession } from "./sessionConsumer.js";
import { PipelineStats } from "./stats.js";
import type { TrafficResult } from "./traffic.js";
import { assertNoErrors, drained, measureWindow } from "./window.js";

export interface SessionTrafficOptions {
  readonly routerAddr: string;
  readonly recipients: readonly string[];
  /** Sends in flight (awaiting their SendResult). */
  readonly window: number;
  /** Deliveries each receiving session may hold before it grants credit. */
  readonly credit: number;
  readonly payloadBytes: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly serverPid?: number;
}

export async function runSessionTraffic(o: SessionTrafficOptions): Promise<TrafficResult> {
  const stats = new PipelineStats();
  const client = new RouterClient({ address: o.routerAddr });
  const consumers = o.recipients.map((agentId) => client.openSession({ agentId, receive: true, window: o.credit }));
  const producer = client.openSession({ agentId: "bench-producer" });
  await Promise.all([...consumers, producer].map((s) => s.ready()));
  const loops = consumers.map((s) => consumeSession(s, stats));
  const factory = new EnvelopeFactory({ producerId: "bench-producer" });
  const template = payloadTemplate(o.payloadBytes);
  let running = true;
  let inFlight = 0;
  let next = 0;
  let idle: (() => void) | undefined;
  const sendOne = (): void => {
    inFlight++;
    const to = o.recipients[next++ % o.recipients.length] ?? "";
    const env = factory.create({
      messageType: MessageType.DATA,
      payload: stamped(template, now()),
      contentType: CONTENT_TYPES.octetStream,
    });
    producer.send(env, { to }).then(
      (r) => {
        stats.sent.mark();
        if (r.accepted) stats.accepted.mark();
        else stats.reject(r.reason);
      },
      (error: Error) => stats.error("send", error),
    ).finally(() => {
      inFlight--;
      if (running) sendOne();
      else if (inFlight === 0) idle?.();
    });
  };
  try {
    await sleep(100);
    for (let i = 0; i < o.window; i++) sendOne();
    const window = await measureWindow(stats, o.warmupMs, o.durationMs, o.serverPid);
    running = false;
    if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
    const ok = await drained(stats, 10_000);
    assertNoErrors(stats);
    return { stats, window, behind: 0, drained: ok };
  } finally {
    running = false;
    for (const s of [...consumers, producer]) s.close();
    await Promise.allSettled(loops);
    client.close();
  }
}
