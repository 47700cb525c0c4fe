/** The console table printed at the end of a run. */
import { formatTarget, formatValue, statusText } from "./format.js";
import type { ResultRow } from "./types.js";

const HEADERS = ["scenario", "metric", "value", "unit", "target / ratio", "status"] as const;

export function formatTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((r) => [
    r.scenario,
    r.metric,
    r.status === "error" ? "ERROR" : formatValue(r.value),
    r.unit,
    formatTarget(r.target, r.unit),
    statusText(r),
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i === 2 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  const out = [line(HEADERS), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const [i, c] of cells.entries()) {
    out.push(line(c));
    const r = rows[i];
    if (r?.error) out.push(`    error: ${r.error}`);
    if (r?.note) out.push(`    note: ${r.note}`);
  }
  return out.join("\n");
}
