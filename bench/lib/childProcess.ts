/**
 * A Node child process that prints a readiness line on stdout (sw4rm up, the bare echo server).
 * Resolves on that line; rejects with the child's stderr if it exits first or takes too long.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { now } from "./timing.js";

export interface ReadyChild {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly readyLine: string;
  /** timing.now() just before spawn() and when the readiness line arrived. */
  readonly spawnedAt: number;
  readonly readyAt: number;
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnReadyOptions {
  /** Script (or module) run by `node`. */
  readonly script: string;
  readonly args?: readonly string[];
  /** Node flags before the script, e.g. ["--import", "tsx"] or ["--cpu-prof"]. */
  readonly nodeArgs?: readonly string[];
  readonly readyPrefix: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export function spawnReady(options: SpawnReadyOptions): Promise<ReadyChild> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const spawnedAt = now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    // Keep the tail only: a long run must not grow this without bound.
    stderr = (stderr + c.toString()).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${options.script}: no "${options.readyPrefix}" line within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited (code ${code}, signal ${signal}) before ready; stderr: ${stderr}`));
    };
    child.once("exit", onExit);
    const onData = (c: Buffer) => {
      const readyAt = now();
      stdout += c.toString();
      const line = stdout.split("\n").find((l) => l.startsWith(options.readyPrefix));
      if (line === undefined) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout?.off("data", onData);
      child.stdout?.resume();
      resolve({
        child,
        pid: child.pid ?? -1,
        readyLine: line.trim(),
        spawnedAt,
        readyAt,
        stderr: () => stderr,
        async stop(signal = "SIGTERM") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited(child);
        },
      });
    };
    child.stdout?.on("data", onData);
  });
}

/** "name=value" pairs after the first two words of a readiness line ("sw4rm ready router=..."). */
export function readinessFields(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .split(" ")
      .slice(2)
      .filter((kv) => kv.includes("="))
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
}
