/**
 * StreamItem on the wire without re-encoding the envelope: field 1 (msg) is the stored envelope bytes
 * verbatim, field 2 the seq. So a (re)delivered envelope is byte-identical to what the producer sent,
 * including fields this build does not know, and delivery costs no protobuf encode of the envelope.
 */
import { StreamItem } from "@sw4rm/protocol";

/** What the router writes to a StreamIncoming call (serialized by `serializeStreamItem`). */
export interface RawStreamItem {
  readonly seq: bigint;
  readonly envelope: Uint8Array;
}

function varintLength(value: bigint): number {
  let n = 1;
  for (let v = value >> 7n; v > 0n; v >>= 7n) n++;
  return n;
}

function writeVarint(buf: Buffer, pos: number, value: bigint): number {
  let v = value;
  while (v > 0x7fn) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

function encodeRawStreamItem(item: RawStreamItem): Buffer {
  const len = BigInt(item.envelope.byteLength);
  const seq = BigInt.asUintN(64, item.seq);
  const size = 1 + varintLength(len) + item.envelope.byteLength + (seq === 0n ? 0 : 1 + varintLength(seq));
  const buf = Buffer.allocUnsafe(size);
  buf[0] = 0x0a; // field 1, length-delimited
  let pos = writeVarint(buf, 1, len);
  buf.set(item.envelope, pos);
  pos += item.envelope.byteLength;
  if (seq !== 0n) {
    buf[pos++] = 0x10; // field 2, varint
    writeVarint(buf, pos, seq);
  }
  return buf;
}

function isRaw(value: StreamItem | RawStreamItem): value is RawStreamItem {
  return (value as RawStreamItem).envelope instanceof Uint8Array;
}

/** responseSerialize of StreamIncoming: raw items verbatim, ordinary StreamItem objects as usual. */
export function serializeStreamItem(value: StreamItem | RawStreamItem): Buffer {
  return isRaw(value) ? encodeRawStreamItem(value) : Buffer.from(StreamItem.encode(value).finish());
}
