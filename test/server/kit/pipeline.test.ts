/**
 * The call pipeline (packages/server/src/grpc/pipeline.ts) on a real grpc-js server: per-call AbortSignal
 * (client cancel, deadline, server shutdown), one error mapping, undecodable bytes, async-generator
 * streams, and the per-RPC metrics hook.
 */
import { credentials, Metadata, Server, ServerCredentials, type ServiceError, status } from "@grpc/grpc-js";
import {
  ErrorCode,
  HitlDecision,
  HitlServiceClient,
  HitlServiceService,
  METADATA,
  Sw4rmError,
  ToolServiceClient,
  ToolServiceService,
} from "@sw4rm/protocol";
import { silentLogger } from "@sw4rm/server";
import Database from "better-sqlite3";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { callMetrics } from "../../../packages/server/src/grpc/callMetrics.js";
import type { CallContext, ServiceHandlers } from "../../../packages/server/src/grpc/handlers.js";
import { bindService } from "../../../packages/server/src/grpc/pipeline.js";

type HitlHandlers = ServiceHandlers<typeof HitlServiceService>;

interface Served {
  readonly address: string;
  readonly metrics: Registry;
  readonly shutdown: AbortController;
  close(): void;
}

const servers: Served[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(hitl: HitlHandlers, tool?: ServiceHandlers<typeof ToolServiceService>): Promise<Served> {
  const server = new Server();
  const metrics = new Registry();
  const shutdown = new AbortController();
  const options = { logger: silentLogger(), hooks: [callMetrics(metrics)], shutdown: shutdown.signal };
  const store = { describe: () => "hitl.sqlite in /data" };
  const h = bindService({ service: "hitl", definition: HitlServiceService, handlers: hitl, store }, options);
  server.addService(h.definition, h.implementation);
  if (tool) {
    const t = bindService({ service: "tool", definition: ToolServiceService, handlers: tool }, options);
    server.addService(t.definition, t.implementation);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const served = { address: `127.0.0.1:${port}`, metrics, shutdown, close: () => server.forceShutdown() };
  servers.push(served);
  return served;
}

const DECISION = HitlDecision.create({ action: "approve", rationale: "ok" });

/** A handler that waits for its signal and reports why it was aborted. */
function waitingHandler(): { handlers: HitlHandlers; aborted: Promise<unknown>; entered: Promise<CallContext> } {
  let reportAbort!: (reason: unknown) => void;
  let reportEntered!: (ctx: CallContext) => void;
  const aborted = new Promise<unknown>((r) => (reportAbort = r));
  const entered = new Promise<CallContext>((r) => (reportEntered = r));
  return {
    aborted,
    entered,
    handlers: {
      decide: (_request, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            reportAbort(ctx.signal.reason);
            reject(ctx.signal.reason);
          });
          reportEntered(ctx);
        }),
    },
  };
}

function decide(address: string, options: { deadline?: number; metadata?: Metadata } = {}) {
  const client = new HitlServiceClient(address, credentials.createInsecure());
  let cancel = () => {};
  const result = new Promise<HitlDecision>((resolve, reject) => {
    const call = client.decide(
      { reasonType: 0, context: new Uint8Array(), proposedActions: [], priority: 0 },
      options.metadata ?? new Metadata(),
      options.deadline === undefined ? {} : { deadline: Date.now() + options.deadline },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    cancel = () => call.cancel();
  }).finally(() => client.close());
  // Observed at once, so a rejection before the test looks at it is not reported as unhandled.
  result.catch(() => {});
  return { result, cancel: () => cancel() };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: ServiceError) => e);

describe("call pipeline", () => {
  it("aborts the handler's signal when the client cancels", async () => {
    const w = waitingHandler();
    const s = await serve(w.handlers);
    const call = decide(s.address);
    await w.entered;
    call.cancel();
    const reason = await w.aborted;
    expect(Sw4rmError.is(reason) && reason.grpcStatus).toBe(status.CANCELLED);
    expect((await failure(call.result))?.code).toBe(status.CANCELLED);
  });

  it("aborts the handler's signal when the call's deadline passes, and tells the handler its budget", async () => {
    const w = waitingHandler();
    const s = await serve(w.handlers);
    const call = decide(s.address, { deadline: 300 });
    const ctx = await w.entered;
    const remaining = ctx.remainingMs();
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(300);
    const reason = await w.aborted;
    expect(Sw4rmError.is(reason) && reason.grpcStatus).toBe(status.DEADLINE_EXCEEDED);
    expect((await failure(call.result))?.code).toBe(status.DEADLINE_EXCEEDED);
  });

  it("aborts the handler's signal when the server shuts down", async () => {
    const w = waitingHandler();
    const s = await serve(w.handlers);
    const call = decide(s.address);
    await w.entered;
    s.shutdown.abort();
    const reason = await w.aborted;
    expect(Sw4rmError.is(reason) && reason.grpcStatus).toBe(status.UNAVAILABLE);
    expect((await failure(call.result))?.code).toBe(status.UNAVAILABLE);
  });

  it("answers a Sw4rmError with its status, message and exact ErrorCode", async () => {
    const s = await serve({
      decide: () => {
        throw new Sw4rmError(ErrorCode.PERMISSION_DENIED, "operator bob may not decide: self-approval is forbidden");
      },
    });
    const err = await failure(decide(s.address).result);
    expect(err?.code).toBe(status.PERMISSION_DENIED);
    expect(err?.details).toBe("operator bob may not decide: self-approval is forbidden");
    expect(err?.metadata.get(METADATA.errorCode)).toEqual([String(ErrorCode.PERMISSION_DENIED)]);
  });

  it("answers a storage failure with OVERLOADED / RESOURCE_EXHAUSTED naming the store", async () => {
    const s = await serve({
      decide: async () => {
        throw new Database.SqliteError("database or disk is full", "SQLITE_FULL");
      },
    });
    const err = await failure(decide(s.address).result);
    expect(err?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err?.details).toMatch(/^Decide failed, nothing was stored: hitl\.sqlite in \/data cannot be written, the disk is full/);
    expect(err?.metadata.get(METADATA.errorCode)).toEqual([String(ErrorCode.OVERLOADED)]);
  });

  it("answers an unexpected error with INTERNAL (a bug, not the caller's fault)", async () => {
    const s = await serve({
      decide: () => {
        throw new TypeError("cannot read properties of undefined");
      },
    });
    expect((await failure(decide(s.address).result))?.code).toBe(status.INTERNAL);
  });

  it("answers undecodable request bytes with INVALID_ARGUMENT naming the message type, before any handler runs", async () => {
    let ran = false;
    const s = await serve({
      decide: () => {
        ran = true;
        return DECISION;
      },
    });
    const client = new HitlServiceClient(s.address, credentials.createInsecure());
    const raw = await new Promise<ServiceError>((resolve) =>
      client.makeUnaryRequest(
        HitlServiceService.decide.path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0x0f]),
        (err) => resolve(err as ServiceError),
      ),
    );
    client.close();
    expect(raw.code).toBe(status.INVALID_ARGUMENT);
    expect(raw.details).toMatch(/^request body is not a valid sw4rm\.hitl\.HitlInvocation \(/);
    expect(ran).toBe(false);
  });

  it("streams an async generator's items in order and ends the call", async () => {
    const s = await serve(
      { decide: () => DECISION },
      {
        call: () => {
          throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "unused");
        },
        async *callStream(request) {
          for (let i = 1n; i <= 3n; i++)
            yield { callId: request.callId, frameNo: i, final: i === 3n, contentType: "text/plain", data: new Uint8Array(), summary: new Uint8Array() };
        },
        cancel: () => ({ callId: "", errorCode: "NOT_FOUND", message: "" }),
      },
    );
    const client = new ToolServiceClient(s.address, credentials.createInsecure());
    const frames: bigint[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = client.callStream({ callId: "c1", toolName: "t", providerId: "p", contentType: "", args: new Uint8Array(), policy: undefined, stream: true });
      stream.on("data", (f: { frameNo: bigint }) => frames.push(f.frameNo));
      stream.on("error", reject);
      stream.on("end", resolve);
    });
    client.close();
    expect(frames).toEqual([1n, 2n, 3n]);
  });

  it("counts every call by method and final status in sw4rm_<service>_rpc_requests_total", async () => {
    let n = 0;
    const s = await serve({
      decide: () => {
        if (++n === 2) throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "bad");
        return DECISION;
      },
    });
    await decide(s.address).result;
    await failure(decide(s.address).result);
    await decide(s.address).result;
    const text = await s.metrics.metrics();
    expect(text).toContain('sw4rm_hitl_rpc_requests_total{method="Decide",code="OK"} 2');
    expect(text).toContain('sw4rm_hitl_rpc_requests_total{method="Decide",code="INVALID_ARGUMENT"} 1');
    expect(text).toMatch(/sw4rm_hitl_rpc_duration_seconds_count\{method="Decide"\} 3/);
  });
});
