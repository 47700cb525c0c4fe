/**
 * The crash suite's harness: `crashScenario(id, body)` registers one vitest test per scenario and
 * records what the body measured in the test's meta, which scripts/crashScorecard.ts turns into the
 * scorecard. Verdicts:
 *   pass  - the body ran to the end and measured its invariant (at least one card.check), all held;
 *   fail  - a card.check was false: the invariant was measured and violated;
 *   error - anything else (a thrown error, a timeout, a failed card.require, no check at all):
 *           the invariant could not be measured, which is never a pass.
 */
import { it } from "vitest";
import { scenarioSpec } from "./scenarios.js";

export interface ScenarioCheck {
  readonly ok: boolean;
  readonly what: string;
}

/** What a scenario leaves in `task.meta.crashScenario` for the reporter. */
export interface ScenarioRecord {
  readonly id: number;
  readonly name: string;
  readonly invariant: string;
  readonly checks: ScenarioCheck[];
  readonly notes: string[];
  /** The check that failed, when one did (verdict fail). */
  violated?: string;
  durationMs?: number;
}

declare module "vitest" {
  interface TaskMeta {
    crashScenario?: ScenarioRecord;
  }
}

/** Thrown by card.check when the invariant does not hold (verdict fail rather than error). */
export class InvariantViolation extends Error {
  constructor(what: string) {
    super(`invariant violated: ${what}`);
    this.name = "InvariantViolation";
  }
}

export interface Card {
  /** One measured part of the invariant. False ends the scenario with verdict fail. */
  check(ok: boolean, what: string): void;
  /** A step the measurement depends on (setup, a precondition). False ends it with verdict error. */
  require(ok: unknown, what: string): asserts ok;
  /** Context for the scorecard's detail column (counts, timings, observations). */
  note(text: string): void;
  /** Cleanup that runs when the test ends, also after a timeout or failure (last registered runs first). */
  defer(fn: () => unknown): void;
}

export interface ScenarioOptions {
  /** Whole-scenario timeout; exceeding it is an error. */
  readonly timeoutMs: number;
}

export function crashScenario(id: number, options: ScenarioOptions, body: (card: Card) => Promise<void>): void {
  const spec = scenarioSpec(id);
  it(`scenario ${id}: ${spec.name}`, { timeout: options.timeoutMs }, async (ctx) => {
    const record: ScenarioRecord = { id, name: spec.name, invariant: spec.invariant, checks: [], notes: [] };
    ctx.task.meta.crashScenario = record;
    const cleanups: (() => unknown)[] = [];
    ctx.onTestFinished(async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (error) {
          record.notes.push(`cleanup failed: ${String(error)}`);
        }
      }
    });
    const card: Card = {
      check(ok, what) {
        record.checks.push({ ok, what });
        if (!ok) {
          record.violated ??= what;
          throw new InvariantViolation(what);
        }
      },
      require(ok, what) {
        if (!ok) throw new Error(`could not measure: ${what}`);
      },
      note(text) {
        record.notes.push(text);
      },
      defer(fn) {
        cleanups.push(fn);
      },
    };
    const started = performance.now();
    try {
      await body(card);
    } finally {
      record.durationMs = Math.round(performance.now() - started);
    }
    if (record.checks.length === 0) throw new Error("the scenario ended without measuring its invariant");
  });
}
