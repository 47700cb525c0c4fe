/**
 * Payloads: fixed-size bytes whose first 8 bytes carry the send time (performance.now() of the bench
 * process, float64 LE), so the consumer computes send-to-handler latency without a lookup table.
 * Producers and consumers run in the same process, so the clock is shared.
 */
export const STAMP_BYTES = 8;

/** A deterministic filler pattern of `bytes` bytes (not all zeros, so nothing compresses it away). */
export function payloadTemplate(bytes: number): Uint8Array {
  const b = new Uint8Array(Math.max(bytes, STAMP_BYTES));
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** A fresh copy of `template` stamped with `sentAt`. */
export function stamped(template: Uint8Array, sentAt: number): Uint8Array {
  const b = new Uint8Array(template);
  new DataView(b.buffer, b.byteOffset, b.byteLength).setFloat64(0, sentAt, true);
  return b;
}

export function stampOf(payload: Uint8Array): number {
  if (payload.byteLength < STAMP_BYTES) return Number.NaN;
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getFloat64(0, true);
}
