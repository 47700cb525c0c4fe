/**
 * Every example runs against a real server: the stack in-process on ephemeral ports, each example as
 * its own process (tsx), talking gRPC exactly as a user's agent would.
 */
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { systemClock } from "@sw4rm/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {makeTempDir} from "../support/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;
let server: TestStack;
const children: ChildProcess[] = [];
const temp = makeTempDir();

beforeAll(async () => {
  server = await startTestStack({ clock: systemClock });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await server?.cleanup();
  temp.cleanup();
});

const env = () => ({ ...process.env, SW4RM_ROUTER_ADDR: server.routerAddr, SW4RM_REGISTRY_ADDR: server.registryAddr });

/** Starts a long-running example and resolves once its stdout contains `ready`. */
function startExample(file: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(tsx, [`examples/${file}`, ...args], { cwd: root, env: env(), stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready: ${out}`)), 20_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("exit", (code) => reject(new Error(`${file} exited early (${code}): ${out}`)));
  });
}

/** Runs an example to completion. */
function runExample(file: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(tsx, [`examples/${file}`, ...args], { cwd: root, env: env(), stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGINT");
  });
}

describe("examples", () => {
  it("echo-agent answers test-client's DATA with FULFILLED", async () => {
    const echo = await startExample("echo-agent.ts", [], /running as echo/);
    const r = await runExample("test-client.ts", ["--target-agent", "echo", "--test", "data"]);
    expect(r.out).toMatch(/DATA sum: FULFILLED echo: \{"op":"sum"/);
    expect(r.code).toBe(0);
    expect(await stop(echo)).toBe(0);
  });

  it("advanced-agent (--router --registry --data-dir) passes test-client --test all", async () => {
    const advanced = await startExample(
      "advanced-agent.ts",
      ["--router", server.routerAddr, "--registry", server.registryAddr, "--data-dir", temp.path],
      /running/,
    );
    const r = await runExample("test-client.ts", [
      "--target-agent",
      "advanced",
      "--test",
      "all",
      "--router",
      server.routerAddr,
      "--registry",
      server.registryAddr,
    ]);
    expect(r.out).toMatch(/DATA sum: FULFILLED/);
    expect(r.out).toMatch(/CONTROL RUN: FULFILLED/);
    expect(r.code).toBe(0);
    expect(await stop(advanced)).toBe(0);
  });

  it("ack-demo (npm run demo:ack) starts its own stack and prints the ACK timeline", async () => {
    const r = await runExample("ack-demo.ts", []);
    expect(r.out).toMatch(/SENT DATA [0-9a-f-]{36}/);
    expect(r.out).toMatch(/ACK READ\s+from ack-agent/);
    expect(r.out).toMatch(/ACK FULFILLED from ack-agent/);
    expect(r.out).toMatch(/done: FULFILLED/);
    expect(r.code).toBe(0);
  });
});
