import type { ClientReadableStream, CallOptions as GrpcCallOptions, Metadata } from "@grpc/grpc-js";
import { Sw4rmError } from "@sw4rm/protocol";

/** Any grpc-js server-streaming method. */
export type StreamInvoker<Req, Item> = (
  request: Req,
  metadata: Metadata,
  options: Partial<GrpcCallOptions>,
) => ClientReadableStream<Item>;

export interface StreamContext {
  readonly metadata: Metadata;
  readonly signal?: AbortSignal;
  /** Optional deadline for the whole stream; long-lived streams have none. */
  readonly deadlineMs?: number;
}

/**
 * One server stream as an AsyncIterable. Breaking out of the loop or aborting the signal cancels
 * the call; an abort ends the iteration quietly, any other failure is thrown as a Sw4rmError.
 */
export async function* serverStream<Req, Item>(
  invoke: StreamInvoker<Req, Item>,
  request: Req,
  ctx: StreamContext,
): AsyncGenerator<Item, void, undefined> {
  const { signal } = ctx;
  if (signal?.aborted) return;
  const call = invoke(
    request,
    ctx.metadata,
    ctx.deadlineMs === undefined ? {} : { deadline: Date.now() + ctx.deadlineMs },
  );
  const onAbort = () => call.cancel();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const item of call as AsyncIterable<Item>) yield item;
  } catch (error) {
    if (signal?.aborted) return;
    throw Sw4rmError.from(error);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    call.cancel();
  }
}
