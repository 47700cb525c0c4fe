/**
 * Producers on the canonical path: SendMessage with the generated client, the recipient in the
 * `sw4rm-to` metadata, envelopes from EnvelopeFactory. Closed loop (`concurrency` calls in flight,
 * the throughput runs) or paced (a fixed offered rate, the latency and lag runs).
 */
import { Metadata } from "@grpc/grpc-js";
import {
  CONTENT_TYPES,
  EnvelopeFactory,
  MessageType,
  METADATA,
  type RouterServiceClient,
  type SendMessageResponse,
} from "@sw4rm/protocol";
import { stamped } from "../payload.js";
import { now } from "../timing.js";
import type { PipelineStats } from "./stats.js";

export interface SenderOptions {
  readonly client: RouterServiceClient;
  /** Round-robin over these agent ids. */
  readonly recipients: readonly string[];
  readonly payload: Uint8Array;
  readonly stats: PipelineStats;
  readonly producerId?: string;
}

export interface Sender {
  /** Stops issuing calls and resolves when the calls in flight have been answered. */
  stop(): Promise<void>;
  readonly inFlight: number;
}

/** Builds and sends one message (due at `scheduledAt` when paced); `done` runs when it is answered. */
function makeSend(o: SenderOptions): (done: () => void, scheduledAt?: number) => void {
  const factory = new EnvelopeFactory({ producerId: o.producerId ?? "bench-producer" });
  let next = 0;
  return (done, scheduledAt) => {
    const to = o.recipients[next++ % o.recipients.length] ?? "";
    const sentAt = now();
    const msg = factory.create({
      messageType: MessageType.DATA,
      payload: stamped(o.payload, sentAt, scheduledAt),
      contentType: CONTENT_TYPES.octetStream,
    });
    const md = new Metadata();
    md.set(METADATA.recipients, to);
    o.client.sendMessage({ msg }, md, (error: Error | null, res: SendMessageResponse) => {
      o.stats.sent.mark();
      o.stats.sendCall.record(sentAt, now() - sentAt);
      if (error) o.stats.error("SendMessage", error);
      else if (res.accepted) o.stats.accepted.mark();
      else o.stats.reject(res.reason);
      done();
    });
  };
}

function stopper(isIdle: () => boolean): { wait: () => Promise<void>; settle: () => void } {
  let resolve: (() => void) | undefined;
  return {
    wait: () =>
      isIdle()
        ? Promise.resolve()
        : new Promise<void>((r) => {
            resolve = r;
          }),
    settle: () => {
      if (resolve && isIdle()) resolve();
    },
  };
}

/** `concurrency` calls in flight at all times until stopped. */
export function startClosedLoop(o: SenderOptions & { readonly concurrency: number }): Sender {
  const send = makeSend(o);
  let running = true;
  let inFlight = 0;
  const idle = stopper(() => inFlight === 0);
  const loop = () => {
    inFlight++;
    send(() => {
      inFlight--;
      if (running) loop();
      else idle.settle();
    });
  };
  for (let i = 0; i < o.concurrency; i++) loop();
  return {
    get inFlight() {
      return inFlight;
    },
    stop() {
      running = false;
      return idle.wait();
    },
  };
}

/**
 * Offers `ratePerSec` messages per second (ticks every 5 ms). At most `maxInFlight` calls are
 * outstanding; when the router answers slower than that, the sender falls behind and `behind`
 * counts the messages it could not offer on time (they are sent late, not dropped).
 */
export function startPaced(
  o: SenderOptions & { readonly ratePerSec: number; readonly maxInFlight?: number },
): Sender & { readonly behind: number } {
  const send = makeSend(o);
  const cap = o.maxInFlight ?? 4096;
  const start = now();
  let issued = 0;
  let inFlight = 0;
  let behind = 0;
  const idle = stopper(() => inFlight === 0);
  const onDone = () => {
    inFlight--;
    idle.settle();
  };
  const timer = setInterval(() => {
    const due = Math.floor(((now() - start) * o.ratePerSec) / 1000);
    while (issued < due && inFlight < cap) {
      issued++;
      inFlight++;
      send(onDone, start + (issued * 1000) / o.ratePerSec);
    }
    behind = Math.max(behind, due - issued);
  }, 5);
  return {
    get inFlight() {
      return inFlight;
    },
    get behind() {
      return behind;
    },
    stop() {
      clearInterval(timer);
      return idle.wait();
    },
  };
}
