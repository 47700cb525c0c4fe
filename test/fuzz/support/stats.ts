/**
 * Counters of inputs per family (router/registry/scheduler RPCs, raw HTTP/2) and per outcome, the
 * problems seen, and the closing summary: one line on stdout and test-results/fuzz.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerLogSummary } from "./serverLog.js";

export type Family = "router" | "registry" | "scheduler" | "raw-http2";

export interface Finding {
  readonly family: Family;
  readonly target: string;
  readonly problem: string;
  readonly input: string;
}

export interface FuzzSummary {
  readonly inputs: number;
  readonly perFamily: Record<Family, number>;
  readonly perTarget: Record<string, Record<string, number>>;
  readonly crashes: number;
  readonly hangs: number;
  readonly maxStallMs: number;
  readonly sinkDeliveries: number;
  readonly findings: readonly Finding[];
  readonly seed: number;
  readonly runs: number;
  readonly durationMs: number;
  readonly serverLog: ServerLogSummary;
}

export const RESULTS_FILE = fileURLToPath(new URL("../../../test-results/fuzz.json", import.meta.url));
const MAX_FINDINGS = 50;

export class FuzzStats {
  readonly perFamily: Record<Family, number> = { router: 0, registry: 0, scheduler: 0, "raw-http2": 0 };
  readonly perTarget: Record<string, Record<string, number>> = {};
  readonly findings: Finding[] = [];
  crashes = 0;
  hangs = 0;
  /** Longest time the server did not answer the watchdog's health checks. */
  maxStallMs = 0;
  /** Deliveries the sinks received and acked (the happy path kept working under fuzz). */
  sinkDeliveries = 0;
  readonly #started = performance.now();

  record(family: Family, target: string, outcome: string): void {
    this.perFamily[family]++;
    const t = (this.perTarget[target] ??= {});
    t[outcome] = (t[outcome] ?? 0) + 1;
  }

  /** Remembers a problem (the first few of each kind, with the input that triggered it). */
  find(finding: Finding): void {
    if (/^hang/.test(finding.problem)) this.hangs++;
    const seen = this.findings.filter((f) => f.target === finding.target && f.problem === finding.problem).length;
    if (seen < 3 && this.findings.length < MAX_FINDINGS) this.findings.push(finding);
  }

  noteStall(ms: number): void {
    this.maxStallMs = Math.max(this.maxStallMs, Math.round(ms));
  }

  count(target: string, outcome: string): number {
    return this.perTarget[target]?.[outcome] ?? 0;
  }

  get inputs(): number {
    return Object.values(this.perFamily).reduce((a, b) => a + b, 0);
  }

  summary(extra: Pick<FuzzSummary, "seed" | "runs" | "serverLog">): FuzzSummary {
    return {
      inputs: this.inputs,
      perFamily: { ...this.perFamily },
      perTarget: this.perTarget,
      crashes: this.crashes,
      hangs: this.hangs,
      maxStallMs: this.maxStallMs,
      sinkDeliveries: this.sinkDeliveries,
      findings: this.findings,
      durationMs: Math.round(performance.now() - this.#started),
      ...extra,
    };
  }
}

export function summaryLine(s: FuzzSummary): string {
  const f = s.perFamily;
  return (
    `fuzz: ${s.inputs} inputs (router: ${f.router}, registry: ${f.registry}, scheduler: ${f.scheduler}, ` +
    `raw-http2: ${f["raw-http2"]}) — ${s.crashes} crashes, ${s.hangs} hangs, ${s.findings.length} findings ` +
    `[seed ${s.seed}, runs ${s.runs}, longest stall ${s.maxStallMs} ms, ${s.sinkDeliveries} deliveries acked by ` +
    `well-behaved agents, ${(s.durationMs / 1000).toFixed(1)} s]`
  );
}

export function writeSummary(s: FuzzSummary, file = RESULTS_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(s, null, 2)}\n`);
}
