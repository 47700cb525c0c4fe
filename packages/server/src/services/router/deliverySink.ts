/**
 * Where a DeliverySession writes: the canonical StreamIncoming call (streamCallSink below), or the
 * credit-windowed RouterSession stream of the fast path (SessionCall's sink in sessionCall.ts). Both
 * get the same lease, lane and redelivery logic.
 */
import type { ServerWritableStream } from "@grpc/grpc-js";
import type { StreamItem, StreamRequest } from "@sw4rm/protocol";
import type { Delivery } from "./store.js";
import type { RawStreamItem } from "./streamItemWire.js";

export interface DeliverySink {
  /** Deliveries the peer accepts right now (its credit window); Infinity when it has none. */
  readonly credit: number;
  /** Sends a batch; false = the transport buffer is full, wait for a drain before writing more. */
  write(batch: readonly Delivery[]): boolean;
  /** Calls `fn` on the next drain; returns an unsubscribe function. */
  onDrain(fn: () => void): () => void;
  /** Finishes the call with OK (replaced by a newer stream, or the router is closing). */
  end(): void;
}

export type StreamCall = ServerWritableStream<StreamRequest, StreamItem>;

/** StreamIncoming: one StreamItem per delivery, envelope bytes verbatim (see streamItemWire.ts). */
export function streamCallSink(call: StreamCall): DeliverySink {
  return {
    credit: Number.POSITIVE_INFINITY,
    write(batch) {
      let ok = true;
      for (const d of batch) {
        const item: RawStreamItem = { seq: d.seq, envelope: d.envelope };
        // The definition's responseSerialize (serializeStreamItem) writes raw items verbatim.
        ok = call.write(item as unknown as StreamItem);
      }
      return ok;
    },
    onDrain(fn) {
      call.on("drain", fn);
      return () => call.off("drain", fn);
    },
    end() {
      try {
        call.end();
      } catch {
        // already finished by the client
      }
    },
  };
}
