/** Query/body parameter readers for admin routes: each names the parameter and what is expected. */
import { HttpError } from "./json.js";

export const MAX_LIMIT = 10_000;

export function intParam(value: string | null | undefined, name: string, max: number): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new HttpError(400, "bad_request", `${name}: expected an integer 0..${max}, got "${value}"`);
  return n;
}

export function oneOfParam<T extends string>(value: string | null, name: string, allowed: readonly T[]): T | undefined {
  if (value === null || value === "") return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new HttpError(400, "bad_request", `${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** ISO time of a ms timestamp, null when absent. */
export function isoOrNull(ms: number | undefined | null): string | null {
  return ms === undefined || ms === null ? null : new Date(ms).toISOString();
}
