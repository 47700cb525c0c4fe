/**
 * Hand-rolled protobuf wire encoding, so the fuzzer can write what no well-behaved encoder will:
 * values of the wrong width, wrong wire types, overlong or unterminated varints, length prefixes that
 * lie, invalid UTF-8 in string fields, groups, field number 0.
 */

export const WireType = {
  varint: 0,
  fixed64: 1,
  len: 2,
  startGroup: 3,
  endGroup: 4,
  fixed32: 5,
  /** 6 and 7 are not wire types; decoders must refuse them. */
  invalid6: 6,
  invalid7: 7,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const U64 = (1n << 64n) - 1n;

/** Base-128 varint of `value` as an unsigned 64-bit number (negative values: two's complement, 10 bytes). */
export function varint(value: bigint): Uint8Array {
  let v = value < 0n ? value & U64 : value;
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Uint8Array.from(out);
}

/** A varint padded with redundant continuation bytes to `length` bytes (valid up to 10, invalid beyond). */
export function overlongVarint(value: bigint, length: number): Uint8Array {
  const base = Array.from(varint(value));
  while (base.length < length) {
    base[base.length - 1] = (base[base.length - 1] ?? 0) | 0x80;
    base.push(0);
  }
  return Uint8Array.from(base);
}

export function tag(field: number, wire: number): Uint8Array {
  return varint((BigInt(field) << 3n) | BigInt(wire & 7));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export function fixed32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}

export function fixed64(value: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, value & U64, true);
  return b;
}

/** One encoded field: tag plus payload for its wire type. */
export const field = {
  varint: (no: number, value: bigint) => concat([tag(no, WireType.varint), varint(value)]),
  fixed32: (no: number, value: number) => concat([tag(no, WireType.fixed32), fixed32(value)]),
  fixed64: (no: number, value: bigint) => concat([tag(no, WireType.fixed64), fixed64(value)]),
  bytes: (no: number, payload: Uint8Array) =>
    concat([tag(no, WireType.len), varint(BigInt(payload.byteLength)), payload]),
  string: (no: number, text: string) => field.bytes(no, utf8(text)),
  /** A length prefix that does not match the payload that follows. */
  lyingLength: (no: number, claimed: bigint, payload: Uint8Array) =>
    concat([tag(no, WireType.len), varint(claimed), payload]),
  group: (no: number, inner: Uint8Array) => concat([tag(no, WireType.startGroup), inner, tag(no, WireType.endGroup)]),
};

/** Largest legal field number (2^29 - 1). */
export const MAX_FIELD_NUMBER = 536_870_911;
