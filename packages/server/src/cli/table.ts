/** Aligned plain-text tables for human CLI output. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** Two-column key/value listing for a single object. */
export function formatRecord(record: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(record).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as const);
  return formatTable(["FIELD", "VALUE"], rows);
}

export function cell(value: unknown): string {
  if (value === undefined || value === null) return "-";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}
