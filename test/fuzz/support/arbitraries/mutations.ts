/**
 * Byte-level damage applied to an encoded request: truncation, bit flips, unknown fields (any field
 * number, any wire type), invalid tags, overlong varints, lying length prefixes, deeply nested groups,
 * or the body replaced by random bytes. Mutations are data, so a counterexample prints what was done.
 */
import fc from "fast-check";
import { concat, field, MAX_FIELD_NUMBER, overlongVarint, tag, varint, WireType } from "../wire.js";

export type Mutation =
  | { readonly kind: "none" }
  | { readonly kind: "truncate"; readonly permille: number }
  | { readonly kind: "flip"; readonly permille: number; readonly xor: number }
  | { readonly kind: "unknownFields"; readonly bytes: Uint8Array; readonly prepend: boolean }
  | { readonly kind: "badTag"; readonly bytes: Uint8Array }
  | { readonly kind: "overlongVarint"; readonly bytes: Uint8Array }
  | { readonly kind: "lyingLength"; readonly bytes: Uint8Array }
  | { readonly kind: "deepGroups"; readonly depth: number }
  | { readonly kind: "random"; readonly bytes: Uint8Array };

const fieldNumber = fc.oneof(
  fc.integer({ min: 1, max: 20 }),
  fc.integer({ min: 100, max: 200 }),
  fc.constantFrom(19_000, 19_999, 1 << 16, MAX_FIELD_NUMBER),
  fc.integer({ min: 1, max: MAX_FIELD_NUMBER }),
);

const unknownField: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fieldNumber, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([n, v]) => field.varint(n, v)),
  fc.tuple(fieldNumber, fc.integer({ min: 0, max: 0xffffffff })).map(([n, v]) => field.fixed32(n, v)),
  fc.tuple(fieldNumber, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([n, v]) => field.fixed64(n, v)),
  fc.tuple(fieldNumber, fc.uint8Array({ maxLength: 32 })).map(([n, b]) => field.bytes(n, b)),
  fc.tuple(fieldNumber, fc.uint8Array({ maxLength: 8 })).map(([n, b]) => field.group(n, b)),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant({ kind: "none" as const }), weight: 12 },
  {
    arbitrary: fc.record({ kind: fc.constant("truncate" as const), permille: fc.integer({ min: 0, max: 999 }) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("flip" as const),
      permille: fc.integer({ min: 0, max: 999 }),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("unknownFields" as const),
      bytes: fc.array(unknownField, { minLength: 1, maxLength: 6 }).map(concat),
      prepend: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("badTag" as const),
      bytes: fc.oneof(
        fc.constant(Uint8Array.of(0x00)), // field number 0
        fc.integer({ min: 1, max: 20 }).map((n) => tag(n, WireType.invalid6)),
        fc.integer({ min: 1, max: 20 }).map((n) => tag(n, WireType.invalid7)),
        fc.integer({ min: 1, max: 20 }).map((n) => tag(n, WireType.endGroup)),
        fc.constant(varint(1n << 40n)), // tag beyond 32 bits
      ),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("overlongVarint" as const),
      bytes: fc
        .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 11, max: 20 }))
        .map(([n, len]) => concat([tag(n, WireType.varint), overlongVarint(1n, len)])),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("lyingLength" as const),
      bytes: fc
        .tuple(
          fc.integer({ min: 1, max: 20 }),
          fc.constantFrom(1n << 31n, (1n << 32n) - 1n, 1n << 35n, (1n << 64n) - 1n, 1000n),
          fc.uint8Array({ maxLength: 8 }),
        )
        .map(([n, claimed, payload]) => field.lyingLength(n, claimed, payload)),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant("deepGroups" as const), depth: fc.constantFrom(50, 101, 1000, 100_000) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant("random" as const), bytes: fc.uint8Array({ maxLength: 256 }) }),
    weight: 2,
  },
);

function at(body: Uint8Array, permille: number): number {
  return Math.floor((body.byteLength * permille) / 1000);
}

export function applyMutation(body: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case "none":
      return body;
    case "truncate":
      return body.subarray(0, at(body, m.permille));
    case "flip": {
      if (body.byteLength === 0) return Uint8Array.of(m.xor);
      const copy = Uint8Array.from(body);
      const i = at(body, m.permille);
      copy[i] = (copy[i] ?? 0) ^ m.xor;
      return copy;
    }
    case "unknownFields":
      return m.prepend ? concat([m.bytes, body]) : concat([body, m.bytes]);
    case "badTag":
    case "overlongVarint":
    case "lyingLength":
      return concat([body, m.bytes]);
    case "deepGroups": {
      const open = tag(99, WireType.startGroup);
      const close = tag(99, WireType.endGroup);
      const nested = new Uint8Array(m.depth * (open.byteLength + close.byteLength));
      for (let i = 0; i < m.depth; i++) nested.set(open, i * open.byteLength);
      const half = m.depth * open.byteLength;
      for (let i = 0; i < m.depth; i++) nested.set(close, half + i * close.byteLength);
      return concat([body, nested]);
    }
    case "random":
      return m.bytes;
  }
}

/** Short, printable description of a mutation for reports. */
export function describeMutation(m: Mutation): string {
  switch (m.kind) {
    case "none":
      return "none";
    case "truncate":
    case "flip":
      return `${m.kind}@${m.permille}‰`;
    case "deepGroups":
      return `deepGroups(${m.depth})`;
    default:
      return m.kind;
  }
}
