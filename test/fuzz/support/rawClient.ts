/**
 * A generic grpc-js client with identity serializers: sends raw request bytes to any method path and
 * hands back the raw response bytes or the status, so the fuzzer can send what ts-proto cannot encode.
 * Every call carries a deadline; a hang shows up as DEADLINE_EXCEEDED, never as a stuck test.
 */
import { Client, credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";

/** What one call ended with. `ms` is the wall time of the call. */
export type CallOutcome =
  | { readonly kind: "ok"; readonly bytes: Buffer; readonly ms: number }
  | { readonly kind: "error"; readonly code: status; readonly details: string; readonly ms: number };

/** A failed call's status. */
export interface StatusOutcome {
  readonly code: status;
  readonly details: string;
}

/** Server streams: how many items arrived before the call ended (or before we cancelled it). */
export type StreamOutcome =
  | { readonly kind: "ended"; readonly items: number; readonly ms: number }
  | { readonly kind: "open"; readonly items: number; readonly ms: number }
  | {
      readonly kind: "error";
      readonly code: status;
      readonly details: string;
      readonly items: number;
      readonly ms: number;
    };

/** One metadata entry; `-bin` keys take bytes. */
export type MetadataEntry = readonly [key: string, value: string | Buffer];

const identity = (b: Buffer): Buffer => b;

/** No client-side size limits: the server, not the client, must refuse what is too large. */
const OPTIONS = {
  "grpc.max_receive_message_length": -1,
  "grpc.max_send_message_length": -1,
  // Absurd metadata is part of the input; let nghttp2 send it and the server judge it.
  "grpc.max_metadata_size": 64 * 1024 * 1024,
};

export function toMetadata(entries: readonly MetadataEntry[]): Metadata {
  const md = new Metadata();
  for (const [key, value] of entries) md.add(key, value);
  return md;
}

function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === "number";
}

export class RawClient {
  readonly #client: Client;

  /** `dedicated`: a connection of its own (not grpc-js's shared subchannel), for inputs that may kill it. */
  constructor(address: string, dedicated = false) {
    const options = dedicated ? { ...OPTIONS, "grpc.use_local_subchannel_pool": 1 } : OPTIONS;
    this.#client = new Client(address, credentials.createInsecure(), options);
  }

  /** A unary call with `deadlineMs`; never rejects. */
  unary(path: string, body: Buffer, metadata: readonly MetadataEntry[] = [], deadlineMs = 5_000): Promise<CallOutcome> {
    const started = performance.now();
    return new Promise((resolve) => {
      let md: Metadata;
      try {
        md = toMetadata(metadata);
      } catch (e) {
        // grpc-js refuses some keys/values before sending (e.g. non-ASCII text); not a server outcome.
        const details = `client refused metadata: ${String(e)}`;
        resolve({ kind: "error", code: status.INVALID_ARGUMENT, details, ms: 0 });
        return;
      }
      this.#client.makeUnaryRequest(
        path,
        identity,
        identity,
        body,
        md,
        { deadline: Date.now() + deadlineMs },
        (err: ServiceError | null, res?: Buffer) => {
          const ms = performance.now() - started;
          if (err) resolve({ kind: "error", code: err.code, details: err.details ?? "", ms });
          else resolve({ kind: "ok", bytes: res ?? Buffer.alloc(0), ms });
        },
      );
    });
  }

  /**
   * A server-streaming call: reads for up to `openMs`, then cancels. A stream that is still open then
   * is legitimate for long-lived RPCs (StreamIncoming); the caller decides.
   */
  serverStream(
    path: string,
    body: Buffer,
    metadata: readonly MetadataEntry[] = [],
    openMs = 300,
    onItem: (bytes: Buffer) => void = () => undefined,
  ): Promise<StreamOutcome> {
    const started = performance.now();
    return new Promise((resolve) => {
      const call = this.#client.makeServerStreamRequest(path, identity, identity, body, toMetadata(metadata), {
        deadline: Date.now() + openMs + 10_000,
      });
      let items = 0;
      let settled = false;
      const finish = (o: StreamOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const timer = setTimeout(() => {
        finish({ kind: "open", items, ms: performance.now() - started });
        call.cancel();
      }, openMs);
      call.on("data", (b: Buffer) => {
        items++;
        onItem(b);
      });
      call.on("error", (e: unknown) => {
        const ms = performance.now() - started;
        if (isServiceError(e)) finish({ kind: "error", code: e.code, details: e.details ?? "", items, ms });
        else finish({ kind: "error", code: status.UNKNOWN, details: String(e), items, ms });
      });
      call.on("end", () => finish({ kind: "ended", items, ms: performance.now() - started }));
    });
  }

  /** A long-lived server stream on this client's connection (see `openStream`). */
  stream(path: string, body: Buffer, onItem: (bytes: Buffer) => void): OpenStream {
    return openStream(this.#client, path, body, onItem);
  }

  close(): void {
    this.#client.close();
  }
}

/** A server stream kept open until `cancel()`; `done` settles when it ends for any reason. */
export interface OpenStream {
  cancel(): void;
  readonly done: Promise<void>;
}

/** Opens a long-lived server stream (no deadline) on `client`, calling `onItem` for every message. */
export function openStream(client: Client, path: string, body: Buffer, onItem: (bytes: Buffer) => void): OpenStream {
  const call = client.makeServerStreamRequest(path, identity, identity, body, new Metadata(), {});
  call.on("data", onItem);
  const done = new Promise<void>((resolve) => {
    call.on("error", () => resolve());
    call.on("end", () => resolve());
  });
  return { cancel: () => call.cancel(), done };
}
