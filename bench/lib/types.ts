/** The shapes every scenario shares: what a scenario is, what it gets, and what it returns. */

/** Parameters a number was measured with (payload bytes, concurrency, N, duration, ...). */
export type Params = Readonly<Record<string, string | number | boolean>>;

/** A bound on a measurement: the value must be `op` `value` (same unit as the measurement). */
export interface Target {
  readonly op: ">=" | "<=";
  readonly value: number;
  /** What the bound is, for the table, e.g. "issue 5: <= 150 MB". */
  readonly label?: string;
}

export type Status = "pass" | "miss" | "info" | "error";

/** A number a scenario measured, with its unit and the parameters it was measured with. */
export interface Reading {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly params: Params;
  readonly target?: Target;
  readonly note?: string;
}

/** A sub-run that failed: it shows as an error, never as a number. */
export interface Failure {
  readonly metric: string;
  readonly error: string;
  readonly params: Params;
}

/** What a scenario returns. */
export type Measurement = Reading | Failure;

/** One row of the results: a Measurement stamped with its scenario and pass/miss status. */
export interface ResultRow {
  readonly scenario: string;
  readonly metric: string;
  /** null exactly when status is "error". */
  readonly value: number | null;
  readonly unit: string;
  readonly params: Params;
  readonly target?: Target;
  readonly status: Status;
  readonly error?: string;
  readonly note?: string;
}

/** Sizes that differ between a full run and the --quick CI smoke run. */
export interface Sizes {
  /** Measurement window per sub-run (ms). */
  readonly durationMs: number;
  /** Traffic before the window opens, not counted (ms). */
  readonly warmupMs: number;
  /** Connected-agent counts of the scale scenario. */
  readonly agentCounts: readonly number[];
  /** Pre-queued message counts of the scale scenario. */
  readonly queuedCounts: readonly number[];
  /** Queued 1 KB messages of the memory/recovery scenario. */
  readonly recoveryQueued: number;
  /** Messages per NATS publish / consume phase. */
  readonly natsMessages: number;
}

export interface BenchContext {
  readonly quick: boolean;
  readonly sizes: Sizes;
  /** Payload bytes of every throughput/latency scenario (issue 5: 256). */
  readonly payloadBytes: number;
  /** In-flight calls for every closed-loop client (unary echo, SendMessage, ...). */
  readonly concurrency: number;
  /** Root of this run's temporary data dirs (removed at the end). */
  readonly tmpRoot: string;
  /** Canonical-path consumers run in a child process (--consumer-process) instead of the bench process. */
  readonly consumerProcess: boolean;
  /** When set, sw4rm server children run with --cpu-prof into this directory. */
  readonly profileDir: string | undefined;
  /** Rows of the scenarios that already ran in this run (e.g. the latency scenario reads the max rate). */
  readonly results: readonly ResultRow[];
  log(message: string): void;
}

export interface Scenario {
  /** Short id used by --only and in the results. */
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<Measurement[]>;
}
