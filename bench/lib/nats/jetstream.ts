/**
 * JetStream through the official client (@nats-io/transport-node + @nats-io/jetstream 3.3.1):
 * a file-storage work-queue stream per run, windowed async publish with acks, and a pull consumer
 * that acks every message. Work-queue retention removes a message on ack, as the router deletes a
 * delivered copy on AckDelivery. Publisher and consumer have a connection each, as the router
 * bench's producer and consumers have their own channels.
 */
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { LatencyRecorder } from "../latency.js";
import { stampOf, stamped } from "../payload.js";
import type { RateMeter } from "../rateMeter.js";
import { now } from "../timing.js";

/** The local nats-server (issue 5); SW4RM_BENCH_NATS_URL overrides it. */
export const NATS_URL = process.env.SW4RM_BENCH_NATS_URL ?? "127.0.0.1:4222";

export interface BenchStream {
  /** Publishing side. */
  readonly js: JetStreamClient;
  /** Consuming side (its own connection). */
  readonly consumerJs: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly subject: string;
  /** Deletes the stream and closes the connection. */
  close(): Promise<void>;
}

async function connectOrFail(): Promise<NatsConnection> {
  try {
    return await connect({ servers: NATS_URL, timeout: 3_000, maxReconnectAttempts: 0 });
  } catch (error) {
    throw new Error(`NATS unreachable at ${NATS_URL}: ${(error as Error).message}`);
  }
}

/** Connects and creates the stream; fails loudly when nats-server is not reachable. */
export async function openBenchStream(): Promise<BenchStream> {
  const nc = await connectOrFail();
  let consumerNc: NatsConnection | undefined;
  try {
    consumerNc = await connectOrFail();
    const jsm = await jetstreamManager(nc);
    const id = `${process.pid}_${Date.now()}`;
    const stream = `SW4RM_BENCH_${id}`;
    const subject = `sw4rm.bench.${id}`;
    await jsm.streams.add({
      name: stream,
      subjects: [subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Workqueue,
    });
    const sub = consumerNc;
    return {
      js: jetstream(nc),
      consumerJs: jetstream(sub),
      jsm,
      stream,
      subject,
      async close() {
        try {
          await jsm.streams.delete(stream);
        } finally {
          await Promise.all([nc.close(), sub.close()]);
        }
      },
    };
  } catch (error) {
    await Promise.all([nc.close(), consumerNc?.close()]);
    throw error;
  }
}

export interface Publisher {
  /** Stops publishing and waits for the outstanding publish acks. */
  stop(): Promise<void>;
  readonly error: Error | undefined;
}

/**
 * Publishes with `window` publishes awaiting their PubAck at any time, until `limit` messages were
 * published or stop() is called. `meter` counts acked publishes.
 */
export function startPublisher(
  s: BenchStream,
  template: Uint8Array,
  window: number,
  meter: RateMeter,
  limit = Number.POSITIVE_INFINITY,
): Publisher & { readonly done: Promise<void> } {
  let running = true;
  let issued = 0;
  let error: Error | undefined;
  const worker = async () => {
    while (running && issued < limit) {
      issued++;
      try {
        await s.js.publish(s.subject, stamped(template, now()));
        meter.mark();
      } catch (e) {
        error ??= e as Error;
        running = false;
      }
    }
  };
  const done = Promise.all(Array.from({ length: window }, worker)).then(() => undefined);
  return {
    done,
    get error() {
      return error;
    },
    stop() {
      running = false;
      return done;
    },
  };
}

export interface Consuming {
  stop(): Promise<void>;
}

/** Creates a durable pull consumer with explicit acks. */
export async function createConsumer(s: BenchStream, name: string): Promise<Consumer> {
  await s.jsm.consumers.add(s.stream, { durable_name: name, ack_policy: AckPolicy.Explicit });
  return s.consumerJs.consumers.get(s.stream, name);
}

/** consume() with the client's defaults; every message is ack()ed (no double ack) and counted. */
export async function startConsuming(consumer: Consumer, meter: RateMeter, latency?: LatencyRecorder): Promise<Consuming> {
  const messages: ConsumerMessages = await consumer.consume();
  const loop = (async () => {
    for await (const m of messages) {
      const at = now();
      if (latency) {
        const sentAt = stampOf(m.data);
        if (Number.isFinite(sentAt)) latency.record(sentAt, at - sentAt);
      }
      m.ack();
      meter.mark();
    }
  })();
  return {
    async stop() {
      await messages.close();
      await loop;
    },
  };
}
