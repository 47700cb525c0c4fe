/**
 * Schema-driven request bodies: for every field of a request message, absent / a value of the
 * declared type (boundary and absurd included) / invalid UTF-8 / the wrong wire type / repeated
 * occurrences / a huge repeated run, nested messages recursively. The result is raw bytes.
 */
import fc from "fast-check";
import { FieldType, type FieldSchema, type MessageSchema } from "../descriptors.js";
import { concat, field, tag, varint, WireType } from "../wire.js";
import { anyBytes, anyInt, anyString, invalidUtf8 } from "./values.js";

export interface MessageGenOptions {
  /** How deep nested message fields are generated (then sent empty). */
  readonly depth: number;
  /** Upper bound of a "huge repeated" run. */
  readonly maxRepeat: number;
}

const zigzag = (v: bigint): bigint => (v << 1n) ^ (v >> 63n);

function naturalWireType(f: FieldSchema): number {
  switch (f.type) {
    case FieldType.double:
    case FieldType.fixed64:
    case FieldType.sfixed64:
      return WireType.fixed64;
    case FieldType.float:
    case FieldType.fixed32:
    case FieldType.sfixed32:
      return WireType.fixed32;
    case FieldType.string:
    case FieldType.bytes:
    case FieldType.message:
      return WireType.len;
    case FieldType.group:
      return WireType.startGroup;
    default:
      return WireType.varint;
  }
}

function enumValue(f: FieldSchema): fc.Arbitrary<bigint> {
  const known = (f.enumValues ?? [0]).map(BigInt);
  const max = known.reduce((a, b) => (a > b ? a : b), 0n);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 4 },
    // unknown enum values: just past the end, negative (10-byte varint), absurd
    { arbitrary: fc.constantFrom(max + 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 40n), weight: 1 },
  );
}

/** One occurrence of `f` with a value of its declared type. */
function typedOccurrence(f: FieldSchema, opts: MessageGenOptions): fc.Arbitrary<Uint8Array> {
  const no = f.number;
  switch (f.type) {
    case FieldType.string:
      return fc.oneof(
        { arbitrary: anyString.map((s) => field.string(no, s)), weight: 5 },
        { arbitrary: invalidUtf8.map((b) => field.bytes(no, b)), weight: 1 },
      );
    case FieldType.bytes:
      return anyBytes.map((b) => field.bytes(no, b));
    case FieldType.bool:
      return fc.constantFrom(0n, 1n, 2n, (1n << 64n) - 1n).map((v) => field.varint(no, v));
    case FieldType.enum:
      return enumValue(f).map((v) => field.varint(no, v));
    case FieldType.sint32:
    case FieldType.sint64:
      return anyInt.map((v) => field.varint(no, zigzag(v)));
    case FieldType.fixed32:
    case FieldType.sfixed32:
    case FieldType.float:
      return fc.integer({ min: 0, max: 0xffffffff }).map((v) => field.fixed32(no, v));
    case FieldType.fixed64:
    case FieldType.sfixed64:
    case FieldType.double:
      return anyInt.map((v) => field.fixed64(no, v));
    case FieldType.message: {
      const schema = f.message?.();
      if (!schema || opts.depth <= 0) return fc.constant(field.bytes(no, new Uint8Array(0)));
      return messageBody(schema, { ...opts, depth: opts.depth - 1 }).map((b) => field.bytes(no, b));
    }
    default:
      return anyInt.map((v) => field.varint(no, v));
  }
}

/** `f`'s field number with a different wire type than declared (decoders must skip or refuse it). */
function wrongWireType(f: FieldSchema): fc.Arbitrary<Uint8Array> {
  const natural = naturalWireType(f);
  const payloads: Record<number, fc.Arbitrary<Uint8Array>> = {
    [WireType.varint]: anyInt.map(varint),
    [WireType.fixed64]: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    [WireType.len]: fc.uint8Array({ maxLength: 16 }).map((b) => concat([varint(BigInt(b.byteLength)), b])),
    [WireType.fixed32]: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    [WireType.startGroup]: fc.constant(tag(f.number, WireType.endGroup)),
    [WireType.endGroup]: fc.constant(new Uint8Array(0)),
    [WireType.invalid6]: fc.uint8Array({ maxLength: 4 }),
    [WireType.invalid7]: fc.uint8Array({ maxLength: 4 }),
  };
  return fc
    .constantFrom(0, 1, 2, 3, 4, 5, 6, 7)
    .filter((w) => w !== natural)
    .chain((w) => (payloads[w] ?? fc.constant(new Uint8Array(0))).map((p) => concat([tag(f.number, w), p])));
}

/** Huge runs stay under ~4 MiB per field: the body as a whole is capped by the caller. */
const REPEAT_BYTES = 4 * 1024 * 1024;
const repeatBudget = (occ: Uint8Array): number => Math.max(1, Math.floor(REPEAT_BYTES / Math.max(1, occ.byteLength)));

/** What one field contributes to the body. */
function fieldOccurrences(f: FieldSchema, opts: MessageGenOptions): fc.Arbitrary<Uint8Array> {
  const one = typedOccurrence(f, opts);
  const repeatCounts = [10, 100, 1000, opts.maxRepeat].filter((n) => n <= opts.maxRepeat);
  return fc.oneof(
    { arbitrary: fc.constant(new Uint8Array(0)), weight: 3 },
    { arbitrary: one, weight: 8 },
    { arbitrary: fc.array(one, { minLength: 2, maxLength: 4 }).map(concat), weight: 2 },
    {
      arbitrary: fc
        .tuple(one, fc.constantFrom(...repeatCounts))
        .map(([occ, n]) => concat(Array.from({ length: Math.min(n, repeatBudget(occ)) }, () => occ))),
      weight: f.repeated ? 2 : 1,
    },
    { arbitrary: wrongWireType(f), weight: 1 },
  );
}

/** A body for `schema`: every field's contribution, in declaration or reversed order. */
export function messageBody(schema: MessageSchema, opts: MessageGenOptions): fc.Arbitrary<Uint8Array> {
  if (schema.fields.length === 0) return fc.constant(new Uint8Array(0));
  return fc
    .tuple(fc.tuple(...schema.fields.map((f) => fieldOccurrences(f, opts))), fc.boolean())
    .map(([parts, reversed]) => concat(reversed ? [...parts].reverse() : parts));
}
