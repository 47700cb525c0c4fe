/**
 * Envelope bytes. The router stores each envelope exactly as received and re-decodes those bytes on
 * every (re)delivery, so a redelivered envelope is byte-identical to the first delivery.
 */
import { Envelope, SendMessageRequest } from "@sw4rm/protocol";

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return Envelope.encode(envelope).finish();
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  return Envelope.decode(bytes);
}

function varint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i] ?? 0;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new RangeError("truncated varint");
}

/**
 * Raw bytes of field 1 (msg) of an encoded SendMessageRequest, or undefined when absent or when the
 * field repeats (protobuf merges repeated messages, so the raw slice would not be what was decoded).
 */
export function rawMsgField(request: Uint8Array): Uint8Array | undefined {
  let pos = 0;
  let found: Uint8Array | undefined;
  let count = 0;
  try {
    while (pos < request.length) {
      const [tag, afterTag] = varint(request, pos);
      const wire = tag & 7;
      pos = afterTag;
      if (wire === 0) pos = varint(request, pos)[1];
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const [len, start] = varint(request, pos);
        pos = start + len;
        if (tag === 10) {
          found = request.subarray(start, pos);
          count++;
        }
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return count === 1 && pos === request.length ? found : undefined;
}

/** Requests decoded by `captureRawDeserialize` remember their envelope bytes here. */
const RAW = new WeakMap<SendMessageRequest, Uint8Array>();

export function rawEnvelopeOf(request: SendMessageRequest): Uint8Array | undefined {
  return RAW.get(request);
}

/**
 * A SendMessage request deserializer that keeps the envelope's bytes exactly as they arrived. It throws
 * on bytes that do not decode; the call pipeline turns that into INVALID_ARGUMENT naming the problem.
 */
export function captureRawDeserialize(buffer: Buffer): SendMessageRequest {
  const request = SendMessageRequest.decode(buffer);
  const raw = rawMsgField(buffer);
  if (raw) RAW.set(request, Uint8Array.from(raw));
  return request;
}
