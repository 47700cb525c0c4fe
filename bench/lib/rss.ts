/** Resident set size of a process from /proc/<pid>/status (Linux), sampled while a scenario runs. */
import { readFileSync } from "node:fs";

export const MB = 1024 * 1024;

/** VmRSS in bytes, or undefined when the process is gone or /proc is unavailable. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Samples RSS every `everyMs` and keeps the peak and the latest value. */
export class RssSampler {
  #timer: NodeJS.Timeout;
  #peak = 0;
  #last = 0;

  constructor(
    readonly pid: number,
    everyMs = 100,
  ) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
  }

  sample(): number {
    const v = rssBytes(this.pid);
    if (v !== undefined) {
      this.#last = v;
      this.#peak = Math.max(this.#peak, v);
    }
    return this.#last;
  }

  get peak(): number {
    return this.#peak;
  }

  get last(): number {
    return this.#last;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
