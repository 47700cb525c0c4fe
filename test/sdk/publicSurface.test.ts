/**
 * The public entry exports what users need; transport plumbing lives in "@sw4rm/sdk/internal". Checked
 * on the sources (vitest aliases) and on the built package through its package.json `exports`, as a
 * user's Node resolves it.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as sdk from "@sw4rm/sdk";
import * as internal from "@sw4rm/sdk/internal";
import { describe, expect, it } from "vitest";

/** Every name moved out of the public entry (keep in sync with packages/sdk/src/internal.ts). */
const PLUMBING = [
  "AUTHORIZATION_METADATA",
  "backoffDelay",
  "buildCredentials",
  "buildMetadata",
  "clientMetadata",
  "DEFAULT_RETRY_POLICY",
  "isRetryableError",
  "noteOf",
  "outcomeOfError",
  "parseControlCommand",
  "resolveClientConfig",
  "serverStream",
  "ServiceClient",
  "TaskRunner",
  "unary",
  "withRetry",
] as const;

/** What users rely on (README, examples): these stay public under their names. */
const PUBLIC = [
  "Agent",
  "AckLifecycleManager",
  "RouterClient",
  "RouterSession",
  "RegistryClient",
  "SchedulerClient",
  "ReceivedMessage",
  "MessageProcessor",
  "PersistentActivityBuffer",
  "consoleLogger",
  "silentLogger",
  "TaskPreempted",
  "JsonFileStore",
  "SqliteStore",
  "MemoryStore",
  "RETRY_SAFE_METHODS",
  "isAbortedError",
] as const;

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("@sw4rm/sdk public surface", () => {
  it("does not export the plumbing; @sw4rm/sdk/internal does", () => {
    for (const name of PLUMBING) {
      expect(Object.keys(sdk), name).not.toContain(name);
      expect(Object.keys(internal), name).toContain(name);
    }
    for (const name of PUBLIC) expect(Object.keys(sdk), name).toContain(name);
  });

  it("resolves both entry points from the built package the way Node does (package.json exports)", () => {
    const script = `
      const pub = await import("@sw4rm/sdk");
      const internal = await import("@sw4rm/sdk/internal");
      console.log(JSON.stringify({ pub: Object.keys(pub), internal: Object.keys(internal) }));
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const keys = JSON.parse(run.stdout) as { pub: string[]; internal: string[] };
    for (const name of PLUMBING) {
      expect(keys.pub, name).not.toContain(name);
      expect(keys.internal, name).toContain(name);
    }
    for (const name of PUBLIC) expect(keys.pub, name).toContain(name);
  });
});
