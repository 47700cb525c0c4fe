/** Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time. */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface SelfTime {
  readonly fn: string;
  readonly where: string;
  readonly ms: number;
  readonly pct: number;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf("node_modules/");
  if (i >= 0) return url.slice(i + "node_modules/".length);
  const p = url.lastIndexOf("/packages/");
  return p >= 0 ? url.slice(p + 1) : url.replace(/^file:\/\//, "");
}

/** Self time per function (summed over call sites), largest first. */
export function topSelfTime(file: string, limit = 20): { totalMs: number; top: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next sample.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const byFn = new Map<string, { fn: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const fn = frame.functionName || "(anonymous)";
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "";
    const key = `${fn}@${where}`;
    const entry = byFn.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    byFn.set(key, entry);
  }
  const totalUs = profile.endTime - profile.startTime;
  const top = [...byFn.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((e) => ({ fn: e.fn, where: e.where, ms: e.us / 1000, pct: (e.us * 100) / totalUs }));
  return { totalMs: totalUs / 1000, top };
}

export function formatSelfTime(file: string, limit = 20): string {
  const { totalMs, top } = topSelfTime(file, limit);
  const lines = [`${file} (${(totalMs / 1000).toFixed(1)} s profiled), top self time:`];
  for (const t of top) lines.push(`  ${t.pct.toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(7)} ms  ${t.fn}  ${t.where}`);
  return lines.join("\n");
}
