/**
 * The thread that owns the router's SQLite database (see WorkerRouterStore). better-sqlite3 is
 * synchronous: here its statements, commits and checkpoints never stall the gRPC event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SqliteRouterStore } from "./sqliteRouterStore.js";
import type { CommitBatch } from "./store.js";
import { type CallMessage, type ReplyMessage, serializeError, type WorkerInit } from "./storeWorkerProtocol.js";

const port = parentPort;
if (!port) throw new Error("storeWorker.ts runs as a worker thread (see WorkerRouterStore)");
const post = (m: ReplyMessage) => port.postMessage(m);
const init = workerData as WorkerInit;

let store: SqliteRouterStore | undefined;
try {
  store = new SqliteRouterStore(init.file, init.options);
  post({ kind: "ready" });
} catch (error) {
  post({ kind: "failed", error: serializeError(error) });
}

type Method = (...args: unknown[]) => Promise<unknown>;

port.on("message", (m: CallMessage) => {
  const s = store;
  if (!s) return;
  if (m.method === "commit") {
    s.commit(m.args[0] as CommitBatch, m.args[1] as number).then(
      ({ results, durable }) => {
        post({ kind: "value", id: m.id, value: results });
        durable.then(
          () => post({ kind: "durable", id: m.id }),
          (error: unknown) => post({ kind: "durable", id: m.id, error: serializeError(error) }),
        );
      },
      (error: unknown) => post({ kind: "error", id: m.id, error: serializeError(error) }),
    );
    return;
  }
  const fn = (s as unknown as Record<string, Method | undefined>)[m.method];
  if (typeof fn !== "function") {
    post({ kind: "error", id: m.id, error: { name: "Error", message: `unknown store method ${m.method}` } });
    return;
  }
  fn.apply(s, [...m.args]).then(
    (value) => post({ kind: "value", id: m.id, value }),
    (error: unknown) => post({ kind: "error", id: m.id, error: serializeError(error) }),
  );
});
