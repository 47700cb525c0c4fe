/** Clients of the bare echo server: closed-loop unary, concurrent server streams, bidi ping-pong. */
import { Client, type ClientDuplexStream, type ClientReadableStream, credentials, status } from "@grpc/grpc-js";
import { CHANNEL_OPTIONS } from "../grpc.js";
import type { LatencyRecorder } from "../latency.js";
import type { RateMeter } from "../rateMeter.js";
import { now } from "../timing.js";
import { ECHO_METHODS } from "./echoService.js";

const identity = (b: Buffer): Buffer => b;

export function echoClient(address: string): Client {
  return new Client(address, credentials.createInsecure(), CHANNEL_OPTIONS);
}

export interface Running {
  stop(): void;
  /** First call error, if any (a run with errors has no trustworthy number). */
  readonly error: Error | undefined;
}

/** `concurrency` unary echo calls in flight until stopped; `meter` counts answers, `rtt` their round trips. */
export function unaryLoop(
  client: Client,
  payload: Buffer,
  concurrency: number,
  meter: RateMeter,
  rtt?: LatencyRecorder,
): Running {
  let running = true;
  let error: Error | undefined;
  const call = () => {
    const at = now();
    client.makeUnaryRequest(ECHO_METHODS.unary.path, identity, identity, payload, (err) => {
      rtt?.record(at, now() - at);
      if (err) error ??= err;
      else meter.mark();
      if (running && !err) call();
    });
  };
  for (let i = 0; i < concurrency; i++) call();
  return {
    stop: () => {
      running = false;
    },
    get error() {
      return error;
    },
  };
}

/** `streams` server streams, each repeating `payload` as fast as flow control allows. */
export function serverStreams(client: Client, payload: Buffer, streams: number, meter: RateMeter): Running {
  let error: Error | undefined;
  let stopping = false;
  const calls: ClientReadableStream<Buffer>[] = [];
  for (let i = 0; i < streams; i++) {
    const call = client.makeServerStreamRequest(ECHO_METHODS.serverStream.path, identity, identity, payload);
    call.on("data", () => meter.mark());
    call.on("error", (err: Error & { code?: number }) => {
      if (!(stopping && err.code === status.CANCELLED)) error ??= err;
    });
    calls.push(call);
  }
  return {
    stop: () => {
      stopping = true;
      for (const c of calls) c.cancel();
    },
    get error() {
      return error;
    },
  };
}

/** `streams` bidi streams, each with one message in flight: send, await the echo, send again. */
export function bidiPingPong(client: Client, payload: Buffer, streams: number, meter: RateMeter): Running {
  let error: Error | undefined;
  let running = true;
  const calls: ClientDuplexStream<Buffer, Buffer>[] = [];
  for (let i = 0; i < streams; i++) {
    const call = client.makeBidiStreamRequest(ECHO_METHODS.bidi.path, identity, identity);
    call.on("data", () => {
      meter.mark();
      if (running) call.write(payload);
    });
    call.on("error", (err: Error & { code?: number }) => {
      if (!(!running && err.code === status.CANCELLED)) error ??= err;
    });
    call.write(payload);
    calls.push(call);
  }
  return {
    stop: () => {
      running = false;
      for (const c of calls) c.cancel();
    },
    get error() {
      return error;
    },
  };
}
