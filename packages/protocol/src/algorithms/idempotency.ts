/**
 * Portable idempotency token (profile `sw4rm-idempotency-bytes-v1`).
 *
 * token = producerId ":" operation ":" first16hex(sha256(producerId LF operation LF bytes)).
 * Envelope.idempotency_token (field 2) must be stable across retries, so the token depends
 * only on who produced the operation, what it is, and its canonical bytes.
 */
import { createHash } from "node:crypto";

export interface IdempotencyTokenInput {
  readonly producerId: string;
  readonly operation: string;
  /** Already-canonicalised bytes; key order etc. is the caller's responsibility. */
  readonly canonicalBytes: Uint8Array;
}

/** 16 hex chars = 64 bits of SHA-256. */
const HASH_HEX_CHARS = 16;

function assertField(name: string, value: string): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  // R43: LF is the preimage field separator, so it must not appear inside a field
  // (otherwise ("a\nb","c") and ("a","b\nc") would collide).
  if (value.includes("\n")) {
    throw new TypeError(`${name} must not contain a line feed (U+000A)`);
  }
}

/**
 * @throws TypeError if producerId or operation is empty or contains "\n" (R43).
 */
export function computeIdempotencyToken(input: IdempotencyTokenInput): string {
  const { producerId, operation, canonicalBytes } = input;
  assertField("producerId", producerId);
  assertField("operation", operation);
  const digest = createHash("sha256")
    .update(producerId, "utf8")
    .update("\n")
    .update(operation, "utf8")
    .update("\n")
    .update(canonicalBytes)
    .digest("hex");
  return `${producerId}:${operation}:${digest.slice(0, HASH_HEX_CHARS)}`;
}
