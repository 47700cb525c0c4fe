// Helpers for comparing the generated (ts-proto) codecs with the protobufjs reference encoder.
import type protobuf from "protobufjs";
import { hex, messageType } from "./proto-root.js";

/** The slice of a generated ts-proto `MessageFns<T>` that the golden tests use. */
export interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * protobufjs toObject options giving a canonical, JSON-like form: 64-bit values as decimal strings,
 * enums as names, bytes as base64, and empty maps/repeated fields present as {} / [].
 * The `reference` objects in the golden cases are written in exactly this form.
 */
export const CANONICAL: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  arrays: true,
  objects: true,
};

export interface GoldenCase {
  name: string;
  fqn: string;
  /** The generated-side value (bigint for 64-bit fields). */
  value: unknown;
  /** The same data for protobufjs, with .proto (snake_case) field names, in CANONICAL form. */
  reference: Record<string, unknown>;
  encodeGenerated(): Uint8Array;
  decodeGenerated(bytes: Uint8Array): unknown;
}

export function golden<T>(
  name: string,
  fqn: string,
  codec: Codec<T>,
  value: T,
  reference: Record<string, unknown>,
): GoldenCase {
  return {
    name,
    fqn,
    value,
    reference,
    encodeGenerated: () => codec.encode(value).finish(),
    decodeGenerated: (bytes) => codec.decode(bytes),
  };
}

/** protobufjs encoding of a plain object (snake_case names, 64-bit values as strings/Long). */
export function encodeReference(fqn: string, obj: Record<string, unknown>): Uint8Array {
  const type = messageType(fqn);
  return type.encode(type.fromObject(obj)).finish();
}

/** protobufjs decoding into the CANONICAL plain-object form. */
export function decodeReference(fqn: string, bytes: Uint8Array): Record<string, unknown> {
  const type = messageType(fqn);
  return type.toObject(type.decode(bytes), CANONICAL);
}

/** Base64 of bytes, as protobufjs's toObject({ bytes: String }) writes them. */
export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/**
 * Deep copy with every Uint8Array subclass (Node Buffer) turned into a plain Uint8Array, so values
 * compare equal whether the generator was run with env=node (Buffer) or env=both (Uint8Array).
 */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export { hex };
