/**
 * Test harness: a router over a SQLite store in a temp dir, on a real gRPC server (port 0), with a
 * Map-backed AgentDirectory and a ManualClock.
 */
import { addPipelineService } from "../../support/pipeline.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, Metadata, Server, ServerCredentials } from "@grpc/grpc-js";
import {
  AgentState,
  CommunicationClass,
  DeliveryAckOutcome,
  type Envelope,
  EnvelopeFactory,
  ManualClock,
  RouterServiceClient,
  type StreamItem,
} from "@sw4rm/protocol";
import { pino } from "pino";
import type { AgentChange, AgentDirectory, AgentRecord } from "../../../packages/server/src/contracts.js";
import {
  createRouter,
  type Router,
  type RouterOptions,
  SqliteRouterStore,
} from "../../../packages/server/src/services/router/index.js";

export class MapDirectory implements AgentDirectory {
  readonly agents = new Map<string, AgentRecord>();
  add(agentId: string, opts: { modalities?: string[]; cls?: CommunicationClass } = {}): void {
    this.agents.set(agentId, {
      descriptor: {
        agentId,
        name: agentId,
        description: "",
        capabilities: [],
        communicationClass: opts.cls ?? CommunicationClass.STANDARD,
        modalitiesSupported: opts.modalities ?? ["*/*"],
        reasoningConnectors: [],
        publicKey: new Uint8Array(),
        registrationType: 0,
        maxConcurrentDelegations: 0,
      },
      state: AgentState.RUNNABLE,
      available: true,
      health: {},
      registeredAtMs: 0,
      lastHeartbeatAtMs: 0,
    });
  }
  get(agentId: string): AgentRecord | undefined {
    return this.agents.get(agentId);
  }
  list(): readonly AgentRecord[] {
    return [...this.agents.values()];
  }
  subscribe(_listener: (change: AgentChange) => void): () => void {
    return () => {};
  }
}

/** Collects a server stream's items; `next()` waits for the next unread one. */
export class Inbox {
  readonly items: StreamItem[] = [];
  #read = 0;
  #waiters: (() => void)[] = [];
  ended = false;
  error: Error | undefined;
  constructor(readonly call: ReturnType<RouterServiceClient["streamIncoming"]>) {
    call.on("data", (item: StreamItem) => {
      this.items.push(item);
      for (const w of this.#waiters.splice(0)) w();
    });
    const end = (err?: Error) => {
      this.ended = true;
      this.error ??= err;
      for (const w of this.#waiters.splice(0)) w();
    };
    call.on("end", () => end());
    call.on("error", (e: Error) => end(e));
  }
  async next(timeoutMs = 5000): Promise<StreamItem> {
    const deadline = Date.now() + timeoutMs;
    while (this.#read >= this.items.length) {
      if (this.ended) throw new Error(`stream ended: ${this.error?.message ?? "ok"}`);
      if (Date.now() > deadline) throw new Error("timed out waiting for a stream item");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50); // real-time guard only; progress comes from 'data'
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const item = this.items[this.#read++];
    if (!item) throw new Error("unreachable");
    return item;
  }
  /** Resolves true if no item arrives within a short real-time window. */
  async quiet(ms = 150): Promise<boolean> {
    const before = this.items.length;
    await new Promise((r) => setTimeout(r, ms));
    return this.items.length === before && this.#read >= this.items.length;
  }
  cancel(): void {
    this.call.cancel();
  }
}

export interface Harness {
  readonly dir: string;
  /** host:port of the current server. */
  readonly address: string;
  readonly clock: ManualClock;
  readonly directory: MapDirectory;
  router: Router;
  client: RouterServiceClient;
  factory(producerId: string): EnvelopeFactory;
  send(env: Envelope, to?: string[], cls?: string): Promise<{ accepted: boolean; reason: string }>;
  stream(agentId: string): Inbox;
  ack(agentId: string, seq: bigint, messageId: string, outcome?: DeliveryAckOutcome): Promise<boolean>;
  /** Closes router, store and server, and starts them again on the same data dir. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessExtras {
  /** Serve the RouterSession fast path beside RouterService (default true). */
  readonly session?: boolean;
}

export async function startHarness(
  options: RouterOptions = {},
  dir?: string,
  extras: HarnessExtras = {},
): Promise<Harness> {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), "sw4rm-router-"));
  const clock = new ManualClock();
  const directory = new MapDirectory();
  const logger = pino({ level: process.env.ROUTER_TEST_LOG ?? "silent" });
  let server: Server;
  let address = "";
  const streams: Inbox[] = [];
  const synchronous = options.durability === "process-crash" ? "NORMAL" : "FULL";
  const boot = async () => {
    const store = SqliteRouterStore.inDir(dataDir, { synchronous });
    const router = createRouter({ store, directory, clock, logger, options });
    server = new Server();
    addPipelineService(server, router.definition, router.handlers, "router");
    if (extras.session !== false) addPipelineService(server, router.session.definition, router.session.handlers, "router");
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const client = new RouterServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    address = `127.0.0.1:${port}`;
    return { router, client };
  };
  const shutdown = async () => {
    for (const s of streams.splice(0)) s.cancel();
    h.client.close();
    await h.router.close();
    await h.router.store.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  };
  const first = await boot();
  const h: Harness = {
    dir: dataDir,
    get address() {
      return address;
    },
    clock,
    directory,
    router: first.router,
    client: first.client,
    factory: (producerId) => new EnvelopeFactory({ producerId, clock }),
    send(env, to = [], cls) {
      const md = new Metadata();
      if (to.length) md.set("sw4rm-to", to.join(","));
      if (cls) md.set("sw4rm-class", cls);
      return new Promise((resolve, reject) =>
        h.client.sendMessage({ msg: env }, md, (e, r) => (e ? reject(e) : resolve(r))),
      );
    },
    stream(agentId) {
      const inbox = new Inbox(h.client.streamIncoming({ agentId }));
      streams.push(inbox);
      return inbox;
    },
    ack(agentId, seq, messageId, outcome = DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED) {
      return new Promise((resolve, reject) =>
        h.client.ackDelivery({ agentId, seq, messageId, outcome }, (e, r) => (e ? reject(e) : resolve(r.recorded))),
      );
    },
    async restart() {
      await shutdown();
      const next = await boot();
      h.router = next.router;
      h.client = next.client;
    },
    async close() {
      await shutdown();
      if (!dir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}
