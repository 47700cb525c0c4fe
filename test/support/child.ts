/**
 * Child-process helpers over the built CLI (packages/server/dist/cli.js; `npm test` builds it first
 * via pretest, or run `npx tsc -b`). Waiting here is on real process events, never on fixed sleeps.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI_PATH = fileURLToPath(new URL("../../packages/server/dist/cli.js", import.meta.url));

export interface ChildServer {
  readonly child: ChildProcess;
  /** The readiness line, e.g. "sw4rm ready router=127.0.0.1:41234 registry=... admin=http://..." */
  readonly readiness: string;
  /** service name → "host:port" (admin → URL) parsed from the readiness line. */
  readonly addresses: Readonly<Record<string, string>>;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

export function parseReadiness(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .split(" ")
      .slice(2)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
}

/**
 * Starts `sw4rm <args>` and resolves on the readiness line; rejects with stderr if the process exits
 * first (or after `timeoutMs`).
 */
export function spawnServer(
  args: readonly string[],
  options: { env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number } = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no readiness line within ${options.timeoutMs ?? 15_000} ms; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.stdout?.on("data", (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split("\n").find((l) => l.startsWith("sw4rm ready "));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        child,
        readiness: line,
        addresses: parseReadiness(line),
        stderr: () => stderr,
        async stop(signal = "SIGTERM") {
          child.kill(signal);
          return exited(child);
        },
      });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        Object.assign(new Error(`sw4rm exited (code ${code}, signal ${signal}) before ready; stderr:\n${stderr}`), {
          code,
          stderr,
          stdout,
        }),
      );
    });
  });
}

/** Runs `sw4rm <args>` to completion. */
export async function runCli(
  args: readonly string[],
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<ExitResult> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  // "close" (not "exit") so stdout/stderr are fully read.
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (c, s) => resolve({ code: c, signal: s })),
  );
  return { code, signal, stdout, stderr };
}

export type CliResult = ExitResult;
