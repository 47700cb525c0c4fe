/**
 * The soak's consumer: streams one agent's inbox and applies each DATA message's effect at most once
 * per idempotency token. The effect is a line in a durable log (write + fsync) and happens before the
 * delivery is acked, so a crash anywhere leaves either no effect (redelivered and applied later) or an
 * effect whose redelivery is recognised by its token and only acked. Reconnects on its own when the
 * server goes away.
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { type ClientReadableStream, credentials, Metadata } from "@grpc/grpc-js";
import {
  DeliveryAckOutcome,
  type DeliveryAckResponse,
  MessageType,
  RouterServiceClient,
  type StreamItem,
} from "@sw4rm/protocol";
import { FAST_RECONNECT } from "./wire.js";

export interface SoakConsumerStats {
  deliveries: number;
  /** Deliveries whose seq had been delivered before (redelivery after a disconnect or crash). */
  redeliveries: number;
  /** Deliveries whose token was already in the effect log (the effect was not repeated). */
  suppressed: number;
  effects: number;
  nonData: number;
  ackFailures: number;
  streams: number;
}

export class SoakConsumer {
  readonly stats: SoakConsumerStats = {
    deliveries: 0,
    redeliveries: 0,
    suppressed: 0,
    effects: 0,
    nonData: 0,
    ackFailures: 0,
    streams: 0,
  };
  readonly #agentId: string;
  readonly #file: string;
  readonly #fd: number;
  readonly #client: RouterServiceClient;
  readonly #tokens = new Set<string>();
  readonly #seqs = new Set<bigint>();
  #pending: StreamItem[] = [];
  #flushQueued = false;
  #call: ClientReadableStream<StreamItem> | undefined;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();
  #onEffect: (count: number) => void = () => {};

  constructor(address: string, agentId: string, effectLog: string) {
    this.#agentId = agentId;
    this.#file = effectLog;
    this.#fd = openSync(effectLog, "a");
    this.#client = new RouterServiceClient(address, credentials.createInsecure(), FAST_RECONNECT);
  }

  /** Distinct tokens applied so far. */
  get applied(): number {
    return this.#tokens.size;
  }

  onEffect(listener: (count: number) => void): void {
    this.#onEffect = listener;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.stats.streams++;
      await new Promise<void>((resolve) => {
        const call = this.#client.streamIncoming({ agentId: this.#agentId });
        this.#call = call;
        call.on("data", (item: StreamItem) => {
          this.#pending.push(item);
          if (!this.#flushQueued) {
            this.#flushQueued = true;
            setImmediate(() => this.#flush());
          }
        });
        call.on("error", () => resolve());
        call.on("end", () => resolve());
      });
      if (!this.#stopped) await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** One batch: apply new effects, fsync once, then ack every item of the batch. */
  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#pending.splice(0);
    let lines = "";
    for (const item of batch) {
      this.stats.deliveries++;
      if (this.#seqs.has(item.seq)) this.stats.redeliveries++;
      else this.#seqs.add(item.seq);
      const msg = item.msg;
      if (msg?.messageType !== MessageType.DATA || msg.idempotencyToken === "") {
        this.stats.nonData++;
        continue;
      }
      if (this.#tokens.has(msg.idempotencyToken)) {
        this.stats.suppressed++;
        continue;
      }
      this.#tokens.add(msg.idempotencyToken);
      lines += `${msg.idempotencyToken}\n`;
      this.stats.effects++;
    }
    if (lines !== "") {
      writeSync(this.#fd, lines);
      fsyncSync(this.#fd);
      this.#onEffect(this.#tokens.size);
    }
    for (const item of batch) {
      this.#client.ackDelivery(
        {
          agentId: this.#agentId,
          seq: item.seq,
          messageId: item.msg?.messageId ?? "",
          outcome: DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED,
        },
        new Metadata(),
        { deadline: Date.now() + 5_000 },
        (err: Error | null, _res?: DeliveryAckResponse) => {
          // A lost ack is harmless: the item comes back with its seq and is recognised by its token.
          if (err) this.stats.ackFailures++;
        },
      );
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#call?.cancel();
    await this.#loop;
    this.#client.close();
    closeSync(this.#fd);
  }

  /** The effect log as stored on disk: token → number of lines. */
  static read(effectLog: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of readFileSync(effectLog, "utf8").split("\n")) {
      if (line !== "") counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    return counts;
  }

  get file(): string {
    return this.#file;
  }
}
