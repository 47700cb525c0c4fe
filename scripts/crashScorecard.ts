import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Reporter, TestCase, TestModule } from "vitest/node";
import type { ScenarioRecord } from "../test/crash/support/scorecard.js";
import { SCENARIOS } from "../test/crash/support/scenarios.js";

type Verdict = "pass" | "fail" | "error";

interface Row {
  readonly id: number;
  readonly scenario: string;
  readonly invariant: string;
  readonly result: Verdict;
  readonly detail: string;
  readonly durationMs: number | null;
  readonly checks: readonly { ok: boolean; what: string }[];
  readonly notes: readonly string[];
  readonly errors: readonly string[];
}

/** Where scorecards go (git-ignored); override with CRASH_RESULTS_DIR. */
const OUT_DIR = resolve(process.env.CRASH_RESULTS_DIR ?? "crash-results");

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

function rowOf(spec: (typeof SCENARIOS)[number], test: TestCase | undefined, moduleErrors: string[]): Row {
  const base = { id: spec.id, scenario: spec.name, invariant: spec.invariant };
  if (!test) {
    const why = moduleErrors.length > 0 ? `; module errors: ${moduleErrors.join(" | ")}` : "";
    return {
      ...base,
      result: "error",
      detail: `not run in this invocation (filtered out, skipped or its file failed to load)${why}`,
      durationMs: null,
      checks: [],
      notes: [],
      errors: moduleErrors,
    };
  }
  const record = test.meta().crashScenario as ScenarioRecord | undefined;
  const state = test.result().state;
  const errors = (test.result().errors ?? []).map((e) => firstLine(e.message ?? String(e)));
  const checks = record?.checks ?? [];
  const notes = record?.notes ?? [];
  const durationMs = record?.durationMs ?? test.diagnostic()?.duration ?? null;
  let result: Verdict;
  let why: string;
  if (state === "passed" && checks.length > 0 && checks.every((c) => c.ok)) {
    result = "pass";
    why = `${checks.length}/${checks.length} checks held`;
  } else if (state === "failed" && record?.violated !== undefined) {
    result = "fail";
    why = `VIOLATED: ${record.violated}`;
  } else if (state === "skipped" || state === "pending") {
    result = "error";
    why = `not measured (test ${state})`;
  } else {
    result = "error";
    why = errors[0] ?? "the scenario ended without a verdict";
  }
  const detail = [why, ...notes].join("; ");
  return { ...base, result, detail, durationMs, checks, notes, errors };
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function seconds(ms: number | null): string {
  return ms === null ? "-" : `${(ms / 1000).toFixed(1)} s`;
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    "| # | scenario | invariant | result | detail | duration |",
    "|---|----------|-----------|--------|--------|----------|",
    ...rows.map(
      (r) =>
        `| ${r.id} | ${cell(r.scenario)} | ${cell(r.invariant)} | ${r.result.toUpperCase()} | ${cell(r.detail)} | ${seconds(r.durationMs)} |`,
    ),
  ];
  return lines.join("\n");
}

/**
 * Vitest reporter of the crash suite (vitest.crash.config.ts): one row per catalogued scenario
 * (test/crash/support/scenarios.ts) with verdict pass / fail / error, written as JSON and Markdown to
 * crash-results/ (latest.* and a timestamped copy) and printed. Any row other than pass fails the run.
 */
export default class CrashScorecardReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message?: string }>): void {
    const byId = new Map<number, TestCase>();
    const moduleErrors: string[] = [];
    for (const mod of testModules) {
      for (const e of mod.errors()) moduleErrors.push(`${mod.moduleId.split("/").pop()}: ${firstLine(e.message)}`);
      for (const test of mod.children.allTests()) {
        const record = test.meta().crashScenario as ScenarioRecord | undefined;
        const id = record?.id ?? Number(/^scenario (\d+):/.exec(test.name)?.[1] ?? Number.NaN);
        if (Number.isInteger(id)) byId.set(id, test);
      }
    }
    const rows = SCENARIOS.map((spec) => rowOf(spec, byId.get(spec.id), moduleErrors));
    const finishedAt = new Date().toISOString();
    const summary = {
      pass: rows.filter((r) => r.result === "pass").length,
      fail: rows.filter((r) => r.result === "fail").length,
      error: rows.filter((r) => r.result === "error").length,
    };
    const totalMs = rows.reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
    const markdown = [
      `# Crash and fault suite scorecard (${finishedAt})`,
      "",
      markdownTable(rows),
      "",
      `${summary.pass} pass, ${summary.fail} fail, ${summary.error} error; scenario time ${seconds(totalMs)}`,
      "",
    ].join("\n");
    const json = {
      finishedAt,
      node: process.version,
      summary,
      totalMs,
      scenarios: rows,
      unhandledErrors: unhandledErrors.map((e) => e.message ?? String(e)),
    };
    mkdirSync(OUT_DIR, { recursive: true });
    const stamp = finishedAt.replace(/[:.]/g, "-");
    for (const name of ["latest", `scorecard-${stamp}`]) {
      writeFileSync(join(OUT_DIR, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
      writeFileSync(join(OUT_DIR, `${name}.md`), markdown);
    }
    process.stdout.write(`\n${markdown}\nscorecard: ${join(OUT_DIR, "latest.md")} and latest.json\n`);
    if (summary.pass !== rows.length) process.exitCode = 1;
  }
}
