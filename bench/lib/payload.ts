/**
 * Payloads: fixed-size bytes whose first 8 bytes carry the send time (timing.now(), epoch ms as
 * float64 LE), so the consumer computes send-to-handler latency without a lookup table.
 */
/** Bytes 0-7: actual send time; bytes 8-15: scheduled send time of a paced sender (NaN otherwise). */
export const STAMP_BYTES = 16;

/** A deterministic filler pattern of `bytes` bytes (not all zeros, so nothing compresses it away). */
export function payloadTemplate(bytes: number): Uint8Array {
  const b = new Uint8Array(Math.max(bytes, STAMP_BYTES));
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/**
 * A fresh copy of `template` stamped with `sentAt` and, for paced senders, the time the message was
 * due (`scheduledAt`): handler time minus scheduledAt is the lag including any time the sender fell
 * behind its schedule (no coordinated omission).
 */
export function stamped(template: Uint8Array, sentAt: number, scheduledAt = Number.NaN): Uint8Array {
  const b = new Uint8Array(template);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  view.setFloat64(0, sentAt, true);
  view.setFloat64(8, scheduledAt, true);
  return b;
}

function float64At(payload: Uint8Array, offset: number): number {
  if (payload.byteLength < STAMP_BYTES) return Number.NaN;
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getFloat64(offset, true);
}

export function stampOf(payload: Uint8Array): number {
  return float64At(payload, 0);
}

export function scheduleOf(payload: Uint8Array): number {
  return float64At(payload, 8);
}
