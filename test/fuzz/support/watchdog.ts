/**
 * Measures how long the server stops answering while it is fuzzed: a worker thread (its own event
 * loop, so the test's input generation cannot skew it) sends a grpc.health.v1 Check over node:http2
 * every `intervalMs` and records each answer's latency. A long stall means one request blocked every
 * service in the process (they share one event loop), which the fuzz counts as a hang.
 */
import { Worker } from "node:worker_threads";

export interface WatchdogReport {
  readonly pings: number;
  readonly maxMs: number;
  /** The slowest pings, with when they started (ms since the watchdog started). */
  readonly slowest: readonly { readonly atMs: number; readonly ms: number }[];
}

export interface Watchdog {
  /** Latency of the slowest ping so far and since the last `mark()`. */
  mark(): Promise<WatchdogReport>;
  stop(): Promise<WatchdogReport>;
}

// CommonJS, run with eval: node built-ins only.
const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http2 = require("node:http2");
const started = performance.now();
let session;
let all = [];
let sinceMark = [];
let stopped = false;
function connect() {
  session = http2.connect("http://" + workerData.address);
  session.on("error", () => undefined);
  session.on("close", () => { session = undefined; });
}
let inflightSince;
function ping() {
  return new Promise((resolve) => {
    if (!session || session.destroyed || session.closed) connect();
    const t0 = performance.now();
    inflightSince = t0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inflightSince = undefined;
      clearTimeout(timer);
      resolve({ atMs: t0 - started, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => { finish(); session && session.destroy(); }, 30000);
    try {
      const req = session.request({
        ":method": "POST",
        ":path": "/grpc.health.v1.Health/Check",
        "content-type": "application/grpc",
        te: "trailers",
      });
      req.on("error", finish);
      req.on("close", finish);
      req.on("data", () => undefined);
      req.end(Buffer.from([0, 0, 0, 0, 0]));
    } catch { finish(); }
  });
}
function report(list) {
  // A ping still unanswered counts with the time it has waited so far.
  const now = performance.now();
  const pending = inflightSince === undefined ? [] : [{ atMs: inflightSince - started, ms: now - inflightSince }];
  const slowest = [...list, ...pending].sort((a, b) => b.ms - a.ms).slice(0, 5);
  return { pings: list.length, maxMs: slowest.length ? slowest[0].ms : 0, slowest };
}
(async () => {
  while (!stopped) {
    const r = await ping();
    all.push(r);
    sinceMark.push(r);
    await new Promise((res) => setTimeout(res, workerData.intervalMs));
  }
})();
parentPort.on("message", (m) => {
  if (m === "mark") { parentPort.postMessage(report(sinceMark)); sinceMark = []; }
  if (m === "stop") { stopped = true; session && session.destroy(); parentPort.postMessage(report(all)); }
});
`;

export function startWatchdog(address: string, intervalMs = 100): Watchdog {
  const worker = new Worker(SOURCE, { eval: true, workerData: { address, intervalMs } });
  const ask = (message: "mark" | "stop") =>
    new Promise<WatchdogReport>((resolve) => {
      worker.once("message", (r: WatchdogReport) => resolve(r));
      worker.postMessage(message);
    });
  return {
    mark: () => ask("mark"),
    async stop() {
      const r = await ask("stop");
      await worker.terminate();
      return r;
    },
  };
}
