/** Turning what scenarios measure into result rows: failures stay errors, targets become pass/miss. */
import type { Failure, Measurement, Params, ResultRow } from "./types.js";

export function isFailure(m: Measurement): m is Failure {
  return "error" in m;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .join(" | ")
    .slice(0, 1200);
}

export function failure(metric: string, params: Params, error: unknown): Failure {
  return { metric, params, error: errorText(error) };
}

/** Runs one sub-run; if it throws, the sub-run becomes a single error row named `metric`. */
export async function attempt(
  metric: string,
  params: Params,
  fn: () => Promise<Measurement[]>,
): Promise<Measurement[]> {
  try {
    return await fn();
  } catch (error) {
    return [failure(metric, params, error)];
  }
}

export function toRow(scenario: string, m: Measurement): ResultRow {
  if (isFailure(m))
    return { scenario, metric: m.metric, value: null, unit: "", params: m.params, status: "error", error: m.error };
  if (!Number.isFinite(m.value))
    return { ...m, scenario, value: null, status: "error", error: `not a finite number (${m.value})` };
  const t = m.target;
  const ok = t === undefined ? undefined : t.op === ">=" ? m.value >= t.value : m.value <= t.value;
  return { ...m, scenario, status: ok === undefined ? "info" : ok ? "pass" : "miss" };
}

/** The value of a row that ran without error, or undefined. */
export function valueOf(rows: readonly ResultRow[], scenario: string, metric: string): number | undefined {
  const row = rows.find((r) => r.scenario === scenario && r.metric === metric);
  return row?.value ?? undefined;
}
