/** The JSON results file: machine, settings, scenarios run and every row. */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MachineInfo } from "./machine.js";
import type { ResultRow, Sizes } from "./types.js";

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly quick: boolean;
  readonly only: readonly string[] | null;
  readonly machine: MachineInfo;
  readonly settings: {
    readonly payloadBytes: number;
    readonly concurrency: number;
    /** Consumers ran in a child process (--consumer-process). */
    readonly consumerProcess: boolean;
    readonly sizes: Sizes;
    /** The config file every sw4rm bench server runs with. */
    readonly serverConfig: unknown;
  };
  readonly scenarios: readonly { readonly name: string; readonly title: string; readonly elapsedMs: number }[];
  readonly results: readonly ResultRow[];
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** Writes `<timestamp>.json` and `latestName`; returns both paths. */
export function writeReport(dir: string, report: BenchReport, latestName: string): { file: string; latest: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, "-");
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const file = join(dir, `${stamp}.json`);
  const latest = join(dir, latestName);
  writeAtomically(file, text);
  writeAtomically(latest, text);
  return { file, latest };
}
