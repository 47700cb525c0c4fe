/** Runs a TypeScript fixture from test/crash/fixtures in a child process (node --import tsx). */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const LIVE = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of LIVE) c.kill("SIGKILL");
});

export interface Fixture {
  readonly child: ChildProcess;
  /** Complete stdout lines so far. */
  lines(): string[];
  stderr(): string;
  /** Resolves with the first line matching `test` (rejects on exit or after `ms`). */
  waitFor(test: (line: string) => boolean, ms?: number): Promise<string>;
  /** Resolves when the process has exited (with its code / signal). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export function runFixture(
  name: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Fixture {
  const child = spawn(process.execPath, ["--import", "tsx", fixturePath(name), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  LIVE.add(child);
  let out = "";
  let err = "";
  const done: string[] = [];
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
    const parts = out.split("\n");
    out = parts.pop() ?? "";
    done.push(...parts);
    for (const l of listeners) l();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // "close": stdout is fully read by then (every line the child wrote before dying is in done).
    child.once("close", (code, signal) => {
      LIVE.delete(child);
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    lines: () => [...done],
    stderr: () => err,
    waitFor(test, ms = 20_000) {
      return new Promise((resolve, reject) => {
        let from = 0;
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${name}: no matching line within ${ms} ms; stderr:\n${err}`));
        }, ms);
        const check = () => {
          for (; from < done.length; from++) {
            const line = done[from] ?? "";
            if (test(line)) {
              clearTimeout(timer);
              listeners.delete(check);
              resolve(line);
              return;
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) first; stderr:\n${err}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
    exited: () => exit,
    async kill9() {
      child.kill("SIGKILL");
      return exit;
    },
  };
}
