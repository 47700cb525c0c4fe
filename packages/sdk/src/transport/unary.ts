import type { ClientUnaryCall, CallOptions as GrpcCallOptions, Metadata, ServiceError } from "@grpc/grpc-js";
import { type Clock, Sw4rmError } from "@sw4rm/protocol";
import { abortedError } from "./abort.js";
import { type RetryPolicy, withRetry } from "./retry.js";

/** Any grpc-js unary method, in its (request, metadata, options, callback) form. */
export type UnaryInvoker<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<GrpcCallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export interface UnaryContext {
  readonly metadata: Metadata;
  readonly deadlineMs: number;
  readonly retry: RetryPolicy;
  /** Whether this call is safe to retry; only then are retryable statuses retried. */
  readonly retryEnabled: boolean;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

function once<Req, Res>(invoke: UnaryInvoker<Req, Res>, request: Req, ctx: UnaryContext): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const { signal } = ctx;
    if (signal?.aborted) {
      reject(abortedError(signal, "call"));
      return;
    }
    const onAbort = () => call.cancel();
    const call = invoke(request, ctx.metadata, { deadline: Date.now() + ctx.deadlineMs }, (error, response) => {
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) reject(abortedError(signal, "call"));
      else if (error) reject(Sw4rmError.from(error));
      else resolve(response);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Calls a grpc-js unary method as a Promise: per-attempt deadline, AbortSignal cancellation, retries
 * with exponential backoff when `retryEnabled` and the status is retryable; failures are Sw4rmErrors.
 */
export function unary<Req, Res>(invoke: UnaryInvoker<Req, Res>, request: Req, ctx: UnaryContext): Promise<Res> {
  return withRetry(() => once(invoke, request, ctx), {
    policy: ctx.retry,
    enabled: ctx.retryEnabled,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.clock ? { clock: ctx.clock } : {}),
  });
}
