/**
 * A `sw4rm up` child process pinned to one data dir and one set of ports, so the crash scenarios can
 * SIGKILL it and bring it back where clients expect it. Every child spawned here is also SIGKILLed
 * when the test process exits, so a failed scenario leaves no server behind.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type ChildServer, spawnServer } from "../../support/child.js";
import { freePort } from "../../support/ports.js";

const LIVE = new Set<ChildServer>();
process.once("exit", () => {
  for (const s of LIVE) s.child.kill("SIGKILL");
});

export interface Ports {
  readonly router: number;
  readonly registry: number;
  readonly scheduler: number;
  readonly admin: number;
}

export async function reservePorts(): Promise<Ports> {
  const taken = new Set<number>();
  const one = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  return { router: await one(), registry: await one(), scheduler: await one(), admin: await one() };
}

export interface CrashServerOptions {
  readonly dataDir: string;
  readonly ports: Ports;
  /** A config file (ServerConfigInput JSON) passed with --config, e.g. router options. */
  readonly config?: Record<string, unknown>;
  /** Where to write it. Default: sw4rm-config.json beside the data dir (scenarios keep data in a subdir). */
  readonly configFile?: string;
  readonly logLevel?: string;
}

export class CrashServer {
  readonly dataDir: string;
  readonly ports: Ports;
  readonly #args: string[];
  #current: ChildServer | undefined;
  /** How many times this server was started / SIGKILLed. */
  starts = 0;
  kills = 0;

  constructor(options: CrashServerOptions) {
    this.dataDir = options.dataDir;
    this.ports = options.ports;
    const p = options.ports;
    this.#args = [
      "up",
      "--data-dir",
      options.dataDir,
      "--router-addr",
      `127.0.0.1:${p.router}`,
      "--registry-addr",
      `127.0.0.1:${p.registry}`,
      "--scheduler-addr",
      `127.0.0.1:${p.scheduler}`,
      "--admin-addr",
      `127.0.0.1:${p.admin}`,
      "--log-level",
      options.logLevel ?? "info",
    ];
    if (options.config) {
      const file = options.configFile ?? join(dirname(options.dataDir), "sw4rm-config.json");
      writeFileSync(file, JSON.stringify(options.config));
      this.#args.push("--config", file);
    }
  }

  get router(): string {
    return `127.0.0.1:${this.ports.router}`;
  }
  get registry(): string {
    return `127.0.0.1:${this.ports.registry}`;
  }
  get scheduler(): string {
    return `127.0.0.1:${this.ports.scheduler}`;
  }
  get admin(): string {
    return `http://127.0.0.1:${this.ports.admin}`;
  }
  get child(): ChildServer | undefined {
    return this.#current;
  }

  /** Whether the current process is running (not exited, not killed). */
  alive(): boolean {
    const c = this.#current?.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** Starts on the fixed ports; retries a few times while a just-killed predecessor's port is still held. */
  async start(): Promise<ChildServer> {
    if (this.alive()) throw new Error("server already running");
    let last: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const s = await spawnServer(this.#args, { timeoutMs: 30_000 });
        this.#current = s;
        LIVE.add(s);
        s.child.once("exit", () => LIVE.delete(s));
        this.starts++;
        return s;
      } catch (error) {
        last = error;
        const text = (error as { stderr?: string }).stderr ?? String(error);
        if (!/EADDRINUSE|address already in use|No address added/i.test(text)) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw last;
  }

  /** SIGKILL and wait until the process is gone; throws if it did not die by that signal. */
  async kill9(): Promise<void> {
    const s = this.#current;
    if (!s || !this.alive()) throw new Error("kill9: server not running");
    const r = await s.stop("SIGKILL");
    if (r.signal !== "SIGKILL") throw new Error(`kill9: server exited with ${JSON.stringify(r)} instead of SIGKILL`);
    this.kills++;
  }

  /** Sends SIGKILL without waiting (call from a response callback: "right after accepted=true"). */
  killNow(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const s = this.#current;
    if (!s) throw new Error("killNow: server not running");
    this.kills++;
    return s.stop("SIGKILL");
  }

  stderr(): string {
    return this.#current?.stderr() ?? "";
  }

  async dispose(): Promise<void> {
    if (this.alive()) await this.#current?.stop("SIGKILL");
  }

  /** Queue depth per agent from the admin API (GET /v1/queues). */
  async queueDepths(): Promise<Map<string, number>> {
    const res = await fetch(`${this.admin}/v1/queues`);
    if (!res.ok) throw new Error(`GET /v1/queues: HTTP ${res.status}`);
    const body = (await res.json()) as { queues: { agent_id: string; depth: number }[] };
    return new Map(body.queues.map((q) => [q.agent_id, q.depth]));
  }

  async queueDepth(agentId: string): Promise<number> {
    return (await this.queueDepths()).get(agentId) ?? 0;
  }
}

/** Polls `read` until it returns a value (real time; the thing awaited is another process). */
export async function until<T>(read: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await read();
      if (v !== undefined) return v;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > end)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
