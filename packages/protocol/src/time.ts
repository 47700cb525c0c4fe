import type { Timestamp } from "./gen/index.js";

export function timestampFromMs(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function timestampToMs(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
}

/** ISO-8601 with zone (spec: every string timestamp carries one). */
export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}
