/**
 * CPU use of the bench process and of a server child over a window, from process.cpuUsage() and
 * /proc/<pid>/stat. 100% = one core busy; with 2 cores, a side near 100% is the bottleneck.
 */
import { readdirSync, readFileSync } from "node:fs";
import { now } from "./timing.js";

/** USER_HZ; 100 on every Linux configuration in practice (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

/** utime + stime of `pid` in ms, or undefined when it cannot be read. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may contain spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface CpuShare {
  /** Percent of one core used by the bench (client) process. */
  readonly clientPct: number;
  /** Percent of one core used by the server process (NaN when it could not be read). */
  readonly serverPct: number;
  /** Percent of one core used by a consumer child process (NaN when there is none). */
  readonly consumerPct: number;
}

function pidCounter(pid: number | undefined): () => number {
  const t0 = now();
  const c0 = pid === undefined ? undefined : processCpuMs(pid);
  return () => {
    const c1 = pid === undefined ? undefined : processCpuMs(pid);
    return c0 === undefined || c1 === undefined ? Number.NaN : ((c1 - c0) * 100) / (now() - t0);
  };
}

/** Starts measuring now; `stop()` returns the shares since then. */
export function cpuWindow(serverPid: number | undefined, consumerPid?: number): { stop(): CpuShare } {
  const t0 = now();
  const c0 = selfCpuMs();
  const server = pidCounter(serverPid);
  const consumer = pidCounter(consumerPid);
  return {
    stop() {
      const ms = now() - t0;
      return { clientPct: ((selfCpuMs() - c0) * 100) / ms, serverPct: server(), consumerPct: consumer() };
    },
  };
}

/** The shares as row parameters (whole percents; the consumer's only when it is a separate process). */
export function cpuParams(cpu: CpuShare): Record<string, number> {
  return {
    clientCpuPct: Math.round(cpu.clientPct),
    serverCpuPct: Math.round(cpu.serverPct),
    ...(Number.isFinite(cpu.consumerPct) ? { consumerCpuPct: Math.round(cpu.consumerPct) } : {}),
  };
}

/** The pid of the first process whose command name is `comm` (e.g. "nats-server"), if any. */
export function pidOf(comm: string): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === comm) return Number(entry);
    } catch {
      // raced with an exiting process
    }
  }
  return undefined;
}
