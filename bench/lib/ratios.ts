/**
 * Targets that compare two scenarios of the same run (issue 5). Each ratio row is
 * numerator / denominator; it is skipped when either scenario did not run (--only), and an error
 * when a scenario ran but its metric is missing or errored. The list is scenarios/targets.ts.
 */
import type { ResultRow, Target } from "./types.js";

export interface RatioTarget {
  readonly metric: string;
  readonly numerator: { readonly scenario: string; readonly metric: string };
  readonly denominator: { readonly scenario: string; readonly metric: string };
  /** Absent: an informational ratio (no pass/miss). */
  readonly target?: Target;
}

export const RATIO_SCENARIO = "ratios";

export function ratioRows(
  targets: readonly RatioTarget[],
  rows: readonly ResultRow[],
  ran: ReadonlySet<string>,
): ResultRow[] {
  const out: ResultRow[] = [];
  for (const r of targets) {
    if (!ran.has(r.numerator.scenario) || !ran.has(r.denominator.scenario)) continue;
    const find = (s: { scenario: string; metric: string }) =>
      rows.find((row) => row.scenario === s.scenario && row.metric === s.metric);
    const num = find(r.numerator);
    const den = find(r.denominator);
    const params = { numerator: `${r.numerator.scenario}/${r.numerator.metric}`, denominator: `${r.denominator.scenario}/${r.denominator.metric}` };
    if (num?.value == null || den?.value == null || den.value === 0) {
      const missing = num?.value == null ? r.numerator : r.denominator;
      out.push({
        scenario: RATIO_SCENARIO,
        metric: r.metric,
        value: null,
        unit: "x",
        params,
        target: r.target,
        status: "error",
        error: `no value for ${missing.scenario} / ${missing.metric}`,
      });
      continue;
    }
    const value = num.value / den.value;
    const t = r.target;
    const status = t === undefined ? "info" : (t.op === ">=" ? value >= t.value : value <= t.value) ? "pass" : "miss";
    out.push({ scenario: RATIO_SCENARIO, metric: r.metric, value, unit: "x", params, target: t, status });
  }
  return out;
}
