/**
 * What the server logged on stderr while being fuzzed (it runs at --log-level warn): counts per level
 * and samples of error/fatal lines and of anything that is not a JSON log line (Node warnings, stack
 * traces), which is where an unexpected failure shows up even when the call was answered.
 */
export interface ServerLogSummary {
  readonly warn: number;
  readonly error: number;
  readonly fatal: number;
  /** Lines that are not pino JSON (e.g. "(node:123) TimeoutOverflowWarning: ..."). */
  readonly other: number;
  readonly samples: readonly string[];
}

const MAX_SAMPLES = 12;
const MAX_SAMPLE_CHARS = 400;

export function summarizeServerLog(stderr: string): ServerLogSummary {
  let warn = 0;
  let error = 0;
  let fatal = 0;
  let other = 0;
  const samples: string[] = [];
  const seen = new Set<string>();
  const sample = (key: string, line: string) => {
    if (seen.has(key) || samples.length >= MAX_SAMPLES) return;
    seen.add(key);
    samples.push(line.slice(0, MAX_SAMPLE_CHARS));
  };
  for (const line of stderr.split("\n")) {
    if (line.trim() === "") continue;
    let entry: { level?: unknown; msg?: unknown } | undefined;
    try {
      entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
    } catch {
      entry = undefined;
    }
    if (entry === undefined || typeof entry.level !== "number") {
      other++;
      sample(line.slice(0, 60), line);
      continue;
    }
    if (entry.level >= 60) fatal++;
    else if (entry.level >= 50) error++;
    else if (entry.level >= 40) warn++;
    if (entry.level >= 40) sample(`${entry.level}:${String(entry.msg)}`, line);
  }
  return { warn, error, fatal, other, samples };
}
