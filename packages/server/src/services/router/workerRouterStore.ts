/**
 * The SQLite RouterStore on its own thread. better-sqlite3 runs synchronously, so on the main thread
 * every statement, commit and checkpoint would stall gRPC I/O; here the router's event loop only
 * posts batches (one message per group commit) and the database work uses the second core.
 * Same behaviour as SqliteRouterStore (it runs one, and passes the same RouterStore suite).
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { ErrorCode } from "@sw4rm/protocol";
import type { SqliteRouterStoreOptions } from "./sqliteRouterStore.js";
import type {
  AckItem,
  AckResult,
  AdmitItem,
  AdmitOutcome,
  CommitBatch,
  CommitResult,
  DlqAttempt,
  DlqEntry,
  DlqFilter,
  Delivery,
  Lane,
  MessageRecord,
  QueuedDelivery,
  RouterStore,
} from "./store.js";
import { commitDurably } from "./store.js";
import { deserializeError, type ReplyMessage, type WorkerInit } from "./storeWorkerProtocol.js";

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  durable?: { resolve(): void; reject(error: Error): void };
}

/**
 * The compiled worker entry. Run from sources (tests, tsx) this module finds it in the package's dist/
 * (worker threads cannot load TypeScript), so `npm run build` must have run.
 */
function workerEntry(): URL {
  const fromSources = import.meta.url.endsWith(".ts");
  const url = new URL(fromSources ? "../../../dist/services/router/storeWorker.js" : "./storeWorker.js", import.meta.url);
  if (fromSources && !existsSync(url))
    throw new Error(`router store worker ${url.pathname} is missing: run \`npm run build\` first`);
  return url;
}

export class WorkerRouterStore implements RouterStore {
  readonly file: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  #exitError: Error | undefined;

  private constructor(file: string, worker: Worker) {
    this.file = file;
    this.#worker = worker;
    worker.on("message", (m: ReplyMessage) => this.#onReply(m));
    worker.on("error", (error) => this.#failAll(error));
    worker.on("exit", (code) => {
      if (!this.#closed) this.#failAll(new Error(`router store thread exited unexpectedly (code ${code})`));
    });
  }

  /** Starts the thread and opens `file`; rejects (e.g. CorruptDatabaseError naming the file) if it cannot. */
  static open(file: string, options: SqliteRouterStoreOptions = {}): Promise<WorkerRouterStore> {
    const init: WorkerInit = { file, options };
    const worker = new Worker(workerEntry(), { workerData: init });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`router store thread exited during start-up (code ${code})`));
      worker.once("error", reject);
      worker.once("exit", onExit);
      worker.once("message", (m: ReplyMessage) => {
        worker.off("error", reject);
        worker.off("exit", onExit);
        if (m.kind === "ready") resolve(new WorkerRouterStore(file, worker));
        else {
          void worker.terminate();
          reject(m.kind === "failed" ? deserializeError(m.error) : new Error("router store thread: unexpected first message"));
        }
      });
    });
  }

  #failAll(error: Error): void {
    this.#exitError = error;
    for (const p of this.#pending.values()) {
      p.reject(error);
      p.durable?.reject(error);
    }
    this.#pending.clear();
  }

  #onReply(m: ReplyMessage): void {
    if (m.kind === "ready" || m.kind === "failed") return;
    const p = this.#pending.get(m.id);
    if (!p) return;
    if (m.kind === "value") {
      p.resolve(m.value);
      if (!p.durable) this.#pending.delete(m.id);
    } else if (m.kind === "error") {
      this.#pending.delete(m.id);
      const error = deserializeError(m.error);
      p.reject(error);
      p.durable?.reject(error);
    } else {
      this.#pending.delete(m.id);
      if (m.error) p.durable?.reject(deserializeError(m.error));
      else p.durable?.resolve();
    }
  }

  #call<T>(method: string, args: readonly unknown[], durable?: Pending["durable"]): Promise<T> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    if (this.#closed) return Promise.reject(new Error(`router store ${this.file} is closed`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(durable ? { durable } : {}) });
      this.#worker.postMessage({ id, method, args });
    });
  }

  async commit(batch: CommitBatch, nowMs: number): Promise<{ results: CommitResult; durable: Promise<void> }> {
    let durable: Pending["durable"] | undefined;
    const durablePromise = new Promise<void>((resolve, reject) => {
      durable = { resolve, reject };
    });
    durablePromise.catch(() => undefined); // observed by the caller; never an unhandled rejection here
    const results = await this.#call<CommitResult>("commit", [batch, nowMs], durable);
    return { results, durable: durablePromise };
  }

  async admit(items: readonly AdmitItem[], nowMs: number): Promise<AdmitOutcome[]> {
    return (await commitDurably(this, { admits: items, acks: [] }, nowMs)).admitted;
  }

  async ackBatch(items: readonly AckItem[], nowMs: number): Promise<AckResult[]> {
    return (await commitDurably(this, { admits: [], acks: items }, nowMs)).acked;
  }

  readQueued(agentId: string, lane: Lane, afterSeq: bigint, limit: number): Promise<Delivery[]> {
    return this.#call("readQueued", [agentId, lane, afterSeq, limit]);
  }

  deadLetter(
    agentId: string,
    seq: bigint,
    code: ErrorCode,
    reason: string,
    nowMs: number,
    attempts?: readonly DlqAttempt[],
  ): Promise<DlqEntry | undefined> {
    return this.#call("deadLetter", [agentId, seq, code, reason, nowMs, attempts]);
  }

  expireDue(nowMs: number, code: ErrorCode, reason: string, leased?: ReadonlySet<string>): Promise<DlqEntry[]> {
    return this.#call("expireDue", [nowMs, code, reason, leased]);
  }

  producerOf(messageId: string): Promise<string | undefined> {
    return this.#call("producerOf", [messageId]);
  }

  message(messageId: string): Promise<MessageRecord | undefined> {
    return this.#call("message", [messageId]);
  }

  messagesByCorrelation(correlationId: string): Promise<MessageRecord[]> {
    return this.#call("messagesByCorrelation", [correlationId]);
  }

  queueDepths(): Promise<Map<string, number>> {
    return this.#call("queueDepths", []);
  }

  dlqList(filter: DlqFilter): Promise<DlqEntry[]> {
    return this.#call("dlqList", [filter]);
  }

  dlqRequeue(ids: readonly number[], nowMs: number): Promise<QueuedDelivery[]> {
    return this.#call("dlqRequeue", [ids, nowMs]);
  }

  dlqPurge(filter: DlqFilter): Promise<number> {
    return this.#call("dlqPurge", [filter]);
  }

  prune(nowMs: number, windowMs: number): Promise<number> {
    return this.#call("prune", [nowMs, windowMs]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (!this.#exitError) await this.#call("close", []).catch(() => undefined);
    this.#closed = true;
    await this.#worker.terminate();
  }
}
