/**
 * `npm run bench`: runs every scenario of issue 5 in sequence (or --only some), prints one table and
 * writes bench/results/<timestamp>.json plus a "latest" copy. See BENCHMARKS.md.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { formatSelfTime } from "./lib/cpuProfile.js";
import { machineInfo } from "./lib/machine.js";
import { errorText, toRow } from "./lib/measure.js";
import { type BenchReport, writeReport } from "./lib/results.js";
import { CONCURRENCY, FULL_SIZES, PAYLOAD_BYTES, QUICK_SIZES } from "./lib/sizes.js";
import { benchConfig, CLI_PATH } from "./lib/sw4rmServer.js";
import { ratioRows } from "./lib/ratios.js";
import { formatTable } from "./lib/table.js";
import { now } from "./lib/timing.js";
import type { BenchContext, ResultRow, Sizes } from "./lib/types.js";
import { SCENARIOS } from "./scenarios/index.js";
import { RATIO_TARGETS } from "./scenarios/targets.js";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

interface Flags {
  readonly quick?: boolean;
  readonly only?: string[];
  readonly duration?: number;
  readonly concurrency?: number;
  readonly agents?: number[];
  readonly queued?: number[];
  readonly profile?: boolean;
  readonly consumerProcess?: boolean;
  readonly keep?: boolean;
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
};

const counts = (v: string) =>
  v.split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be comma-separated whole numbers");
    return n;
  });

function parseFlags(argv: readonly string[]): Flags {
  const names = SCENARIOS.map((s) => s.name);
  const program = new Command("bench")
    .description("SW4RM benchmark suite (issue 5): one run, one table, JSON results")
    .option("--quick", "tiny sizes; finishes in under a minute (CI smoke run)")
    .option("--only <names>", `comma-separated subset of: ${names.join(", ")}`, (v: string) => {
      const list = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
      const unknown = list.filter((s) => !names.includes(s));
      if (unknown.length > 0) throw new InvalidArgumentError(`unknown scenario(s): ${unknown.join(", ")}`);
      return list;
    })
    .option("--duration <s>", "measurement window per sub-run, seconds", positive)
    .option("--concurrency <n>", `in-flight calls of closed-loop clients (default ${CONCURRENCY})`, positive)
    .option("--agents <list>", "connected-agent counts of scale-agents, e.g. 1000", counts)
    .option("--queued <list>", "pre-queued counts of scale-queued, e.g. 0,100000", counts)
    .option("--consumer-process", "run canonical-path consumers in a child process (when the bench process is the bottleneck)")
    .option("--profile", "run sw4rm servers under node --cpu-prof and print their top self-time functions")
    .option("--keep", "keep the temporary data dirs")
    .parse(argv, { from: "user" });
  return program.opts<Flags>();
}

function sizesFor(flags: Flags): Sizes {
  const base = flags.quick ? QUICK_SIZES : FULL_SIZES;
  return {
    ...base,
    durationMs: flags.duration === undefined ? base.durationMs : Math.round(flags.duration * 1000),
    agentCounts: flags.agents ?? base.agentCounts,
    queuedCounts: flags.queued ?? base.queuedCounts,
  };
}

function printProfiles(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".cpuprofile")).sort()) {
    try {
      console.log(`\n${formatSelfTime(join(dir, f), 15)}`);
    } catch (error) {
      console.log(`\n${f}: cannot summarise (${errorText(error)})`);
    }
  }
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (!existsSync(CLI_PATH)) {
    console.error(`${CLI_PATH} is missing: build first (npx tsc -b)`);
    return 2;
  }
  const startedAt = new Date().toISOString();
  const sizes = sizesFor(flags);
  const tmpRoot = mkdtempSync(join(tmpdir(), "sw4rm-bench-"));
  const profileDir = flags.profile ? join(RESULTS_DIR, `profiles-${startedAt.replace(/[:.]/g, "-")}`) : undefined;
  const rows: ResultRow[] = [];
  const ctx: BenchContext = {
    quick: flags.quick === true,
    sizes,
    payloadBytes: PAYLOAD_BYTES,
    concurrency: flags.concurrency ?? CONCURRENCY,
    tmpRoot,
    consumerProcess: flags.consumerProcess === true,
    profileDir,
    results: rows,
    log: (m) => console.log(m),
  };
  const selected = flags.only ? SCENARIOS.filter((s) => flags.only?.includes(s.name)) : SCENARIOS;
  const machine = machineInfo();
  console.log(`sw4rm bench${ctx.quick ? " --quick" : ""}: ${selected.map((s) => s.name).join(", ")}`);
  console.log(`${machine.cpuModel} x${machine.cores}, ${machine.os}, node ${machine.node}, load ${machine.loadAvgAtStart.join(" ")}`);
  const ran: BenchReport["scenarios"][number][] = [];
  try {
    for (const scenario of selected) {
      console.log(`\n== ${scenario.title}`);
      const t0 = now();
      try {
        for (const m of await scenario.run(ctx)) rows.push(toRow(scenario.name, m));
      } catch (error) {
        rows.push(toRow(scenario.name, { metric: "scenario failed", params: {}, error: errorText(error) }));
      }
      const elapsedMs = Math.round(now() - t0);
      ran.push({ name: scenario.name, title: scenario.title, elapsedMs });
      console.log(`   (${(elapsedMs / 1000).toFixed(1)} s)`);
    }
    rows.push(...ratioRows(RATIO_TARGETS, rows, new Set(ran.map((s) => s.name))));
  } finally {
    if (!flags.keep) rmSync(tmpRoot, { recursive: true, force: true });
    else console.log(`data dirs kept in ${tmpRoot}`);
  }
  console.log(`\n${formatTable(rows)}`);
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    quick: ctx.quick,
    only: flags.only ?? null,
    machine,
    settings: {
      payloadBytes: ctx.payloadBytes,
      concurrency: ctx.concurrency,
      consumerProcess: ctx.consumerProcess,
      sizes,
      serverConfig: benchConfig(),
    },
    scenarios: ran,
    results: rows,
  };
  // Only a full-size run of every scenario replaces latest.json (the committed numbers).
  const partial =
    flags.only !== undefined ||
    flags.duration !== undefined ||
    flags.concurrency !== undefined ||
    flags.agents !== undefined ||
    flags.queued !== undefined;
  const latestName = ctx.quick ? "latest-quick.json" : partial ? "latest-partial.json" : "latest.json";
  const written = writeReport(RESULTS_DIR, report, latestName);
  console.log(`\nresults: ${written.file}\n         ${written.latest}`);
  if (profileDir) printProfiles(profileDir);
  const errors = rows.filter((r) => r.status === "error").length;
  const misses = rows.filter((r) => r.status === "miss").length;
  console.log(`\n${rows.length} rows: ${errors} errors, ${misses} targets missed`);
  // Errors fail the run (CI smoke); missed targets are findings, not failures.
  return errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
