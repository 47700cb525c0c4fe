/** Number and target formatting shared by the console table and the BENCHMARKS.md renderer. */
import type { ResultRow, Target } from "./types.js";

export function formatValue(value: number | null): string {
  if (value === null) return "-";
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString("en-US");
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return "";
  const bound = `${target.op} ${formatValue(target.value)}${unit === "x" ? "x" : ` ${unit}`}`;
  return target.label ? `${bound} (${target.label})` : bound;
}

export function statusText(row: ResultRow): string {
  return row.status === "info" ? "" : row.status.toUpperCase();
}
