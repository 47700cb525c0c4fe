/**
 * SDK processes stay alive while they still have work (issue: agents exited silently, code 0, when
 * `sw4rm up` was SIGKILLed; a script awaiting an ACK exited with code 13 before its timeout). Real
 * child processes over the built packages (`npx tsc -b` first; `npm test` does it).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EnvelopeFactory, MessageType, systemClock } from "@sw4rm/protocol";
import { RouterClient } from "@sw4rm/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type ChildServer, freePort, makeTempDir, spawnServer, type TempDir } from "../support/index.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/inboxAgent.ts", import.meta.url));

type Event = { event: string; msg?: string; message_id?: string; level?: string };

/** A child whose stdout is JSON lines, with a wait on them that fails (with stderr) if the child exits. */
function watch(child: ChildProcess) {
  const events: Event[] = [];
  let stderr = "";
  let rest = "";
  child.stdout?.on("data", (c: Buffer) => {
    const parts = (rest + c.toString()).split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) if (p.trim() !== "") events.push(JSON.parse(p) as Event);
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  /** Resolves once `test` holds for the events; rejects if the child exits first (or after `ms`, a hang guard). */
  const until = async (test: (events: readonly Event[]) => boolean, what: string, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!test(events)) {
      if (!alive()) throw new Error(`the agent process exited (code ${child.exitCode}) while waiting for ${what}; stderr:\n${stderr}`);
      if (Date.now() > end) throw new Error(`still waiting for ${what}; events:\n${events.map((e) => JSON.stringify(e)).join("\n")}\nstderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { events, exit, alive, until, stderr: () => stderr };
}

describe("an SDK agent process when `sw4rm up` is SIGKILLed", () => {
  let dir: TempDir | undefined;
  let server: ChildServer | undefined;
  let agent: ChildProcess | undefined;
  afterEach(async () => {
    agent?.kill("SIGKILL");
    if (server && server.child.exitCode === null && server.child.signalCode === null) await server.stop("SIGKILL");
    dir?.cleanup();
  });

  it("stays alive, reconnects and consumes after each restart; agent.stop() then lets it exit 0", { timeout: 90_000 }, async () => {
    const tmp = makeTempDir("sw4rm-kill9-");
    dir = tmp;
    const router = `127.0.0.1:${await freePort()}`;
    const registry = `127.0.0.1:${await freePort()}`;
    const up = () =>
      spawnServer([
        "up",
        "--data-dir",
        tmp.path,
        "--router-addr",
        router,
        "--registry-addr",
        registry,
        "--scheduler-addr",
        "127.0.0.1:0",
        "--admin-addr",
        "127.0.0.1:0",
      ]);
    server = await up();
    agent = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, ROUTER: router, REGISTRY: registry },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const a = watch(agent);
    await a.until((ev) => ev.some((e) => e.event === "started"), "the agent to start");

    const producer = new RouterClient({ address: router });
    const factory = new EnvelopeFactory({ producerId: "kill9-producer", clock: systemClock });
    /** Sends until the router accepts (right after a restart the producer's channel may still reconnect). */
    const sendAccepted = async (text: string): Promise<string> => {
      for (let attempt = 0; ; attempt++) {
        const env = factory.create({ messageType: MessageType.DATA, payload: text });
        const res = await producer.send(env, { to: "inbox-agent" }).catch(() => undefined);
        if (res?.accepted) return env.messageId;
        if (attempt > 1_000) throw new Error(`"${text}" never accepted: ${res?.reason}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const handledAll = (ids: readonly string[]) => (ev: readonly Event[]) =>
      ids.every((id) => ev.some((e) => e.event === "handled" && e.message_id === id));

    try {
      const first = [await sendAccepted("before-1"), await sendAccepted("before-2")];
      await a.until(handledAll(first), "the first messages");
      for (let kill = 1; kill <= 2; kill++) {
        const lostBefore = a.events.filter((e) => e.msg === "inbox connection lost; reconnecting").length;
        expect(await server.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
        // The agent notices and keeps trying (a process with nothing ref'd would exit right here).
        await a.until(
          (ev) => ev.filter((e) => e.msg === "inbox connection lost; reconnecting").length > lostBefore,
          `kill ${kill}: the reconnect log line`,
        );
        server = await up();
        expect(a.alive()).toBe(true);
        const after = [await sendAccepted(`after-${kill}-1`), await sendAccepted(`after-${kill}-2`)];
        await a.until(handledAll(after), `kill ${kill}: messages sent after the restart`);
        expect(a.alive()).toBe(true);
      }
    } finally {
      producer.close();
    }

    agent.kill("SIGTERM");
    expect(await a.exit).toEqual({ code: 0, signal: null });
    expect(a.events.some((e) => e.event === "stopped")).toBe(true);
  });
});

describe("a standalone script awaiting sendMessageWithAck", () => {
  it("stays alive until the ACK timeout fires and rejects with ACK_TIMEOUT", () => {
    const script = `
      import { EnvelopeFactory, ErrorCode, MessageType } from "@sw4rm/protocol";
      import { AckLifecycleManager } from "@sw4rm/sdk";
      const factory = new EnvelopeFactory({ producerId: "script" });
      const acks = new AckLifecycleManager({
        factory,
        send: async () => ({ accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED }),
      });
      try {
        await acks.sendMessageWithAck(factory.create({ messageType: MessageType.DATA }), { to: "nobody", timeoutMs: 300 });
        console.log("acked");
      } catch (error) {
        console.log(ErrorCode[error.code]);
      }
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({ status: 0, stdout: "ACK_TIMEOUT" });
  });
});
