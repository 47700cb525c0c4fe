/** Small gRPC helpers for the crash scenarios: send to a recipient, ack a delivery, read raw stream items. */
import { type ClientReadableStream, credentials, Client as GrpcClient, Metadata } from "@grpc/grpc-js";
import {
  DeliveryAckOutcome,
  type DeliveryAckResponse,
  Envelope,
  MAX_GRPC_MESSAGE_BYTES,
  METADATA,
  type RouterServiceClient,
  type SendMessageResponse,
  StreamRequest,
} from "@sw4rm/protocol";
import { unary } from "../../support/grpc.js";

export function send(client: RouterServiceClient, envelope: Envelope, to: string): Promise<SendMessageResponse> {
  const md = new Metadata();
  md.set(METADATA.recipients, to);
  return unary<SendMessageResponse>((cb) => client.sendMessage({ msg: envelope }, md, cb));
}

export async function ackDelivery(
  client: RouterServiceClient,
  agentId: string,
  seq: bigint,
  messageId: string,
): Promise<boolean> {
  const res = await unary<DeliveryAckResponse>((cb) =>
    client.ackDelivery({ agentId, seq, messageId, outcome: DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED }, cb),
  );
  return res.recorded;
}

/** One StreamItem exactly as it came off the wire: the envelope's bytes (field 1) and the seq (field 2). */
export interface RawItem {
  readonly envelopeBytes: Uint8Array;
  readonly envelope: Envelope;
  readonly seq: bigint;
}

function varint(buf: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length; i++) {
    const b = buf[i] ?? 0;
    value |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new RangeError("truncated varint");
}

/** Splits an encoded StreamItem without re-encoding anything. */
export function parseRawItem(bytes: Uint8Array): RawItem {
  let pos = 0;
  let envelopeBytes: Uint8Array | undefined;
  let seq = 0n;
  while (pos < bytes.length) {
    const [tag, afterTag] = varint(bytes, pos);
    pos = afterTag;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, next] = varint(bytes, pos);
      if (field === 2) seq = v;
      pos = next;
    } else if (wire === 2) {
      const [len, start] = varint(bytes, pos);
      pos = start + Number(len);
      if (field === 1) envelopeBytes = bytes.slice(start, pos);
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unexpected wire type ${wire} in StreamItem`);
  }
  if (!envelopeBytes) throw new Error("StreamItem without msg");
  return { envelopeBytes, envelope: Envelope.decode(envelopeBytes), seq };
}

/** StreamIncoming with an identity deserializer, so the test sees the bytes the router wrote. */
export class RawIncoming {
  readonly #client: GrpcClient;
  readonly #call: ClientReadableStream<Buffer>;
  readonly #items: RawItem[] = [];
  readonly #waiters: (() => void)[] = [];
  #ended: string | undefined;

  constructor(address: string, agentId: string) {
    this.#client = new GrpcClient(address, credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_GRPC_MESSAGE_BYTES,
    });
    this.#call = this.#client.makeServerStreamRequest(
      "/sw4rm.router.RouterService/StreamIncoming",
      (req: StreamRequest) => Buffer.from(StreamRequest.encode(req).finish()),
      (buf: Buffer) => buf,
      { agentId },
    );
    this.#call.on("data", (buf: Buffer) => {
      this.#items.push(parseRawItem(new Uint8Array(buf)));
      for (const w of this.#waiters.splice(0)) w();
    });
    const end = (why: string) => {
      this.#ended ??= why;
      for (const w of this.#waiters.splice(0)) w();
    };
    this.#call.on("error", (e: Error) => end(e.message));
    this.#call.on("end", () => end("stream ended"));
  }

  /** The next item; rejects after `timeoutMs` or when the stream ends first. */
  async next(timeoutMs = 10_000): Promise<RawItem> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = this.#items.shift();
      if (item) return item;
      if (this.#ended) throw new Error(`no more stream items: ${this.#ended}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no stream item within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#call.cancel();
    this.#client.close();
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return Envelope.encode(envelope).finish();
}

/** Channel options for clients that must find a restarted server quickly (grpc-js defaults back off to 120 s). */
export const FAST_RECONNECT = {
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.min_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 500,
  "grpc.max_receive_message_length": MAX_GRPC_MESSAGE_BYTES,
} as const;

export function sendWithDeadline(
  client: RouterServiceClient,
  envelope: Envelope,
  to: string,
  deadlineMs: number,
): Promise<SendMessageResponse> {
  const md = new Metadata();
  md.set(METADATA.recipients, to);
  return unary<SendMessageResponse>((cb) =>
    client.sendMessage({ msg: envelope }, md, { deadline: Date.now() + deadlineMs }, cb),
  );
}
