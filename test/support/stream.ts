/** Reads StreamIncoming items as an async queue, so tests await the next delivery without sleeping. */
import type { ClientReadableStream } from "@grpc/grpc-js";
import type { RouterServiceClient, StreamItem } from "@sw4rm/protocol";

export interface IncomingStream {
  /** Resolves with the next item, or rejects after `timeoutMs` (real time; a safety net, not a wait). */
  next(timeoutMs?: number): Promise<StreamItem>;
  close(): void;
}

export function openIncoming(client: RouterServiceClient, agentId: string): IncomingStream {
  const call: ClientReadableStream<StreamItem> = client.streamIncoming({ agentId });
  const items: StreamItem[] = [];
  const waiters: ((item: StreamItem) => void)[] = [];
  let failure: Error | undefined;
  call.on("data", (item: StreamItem) => {
    const w = waiters.shift();
    if (w) w(item);
    else items.push(item);
  });
  call.on("error", (err: Error) => {
    failure = err;
  });
  return {
    next(timeoutMs = 10_000) {
      const ready = items.shift();
      if (ready) return Promise.resolve(ready);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no stream item for ${agentId} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push((item) => {
          clearTimeout(timer);
          resolve(item);
        });
      });
    },
    close() {
      call.cancel();
    },
  };
}
