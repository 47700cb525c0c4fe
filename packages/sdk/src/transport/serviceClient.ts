import type {
  ChannelCredentials,
  Client,
  ClientOptions,
  ClientReadableStream,
  ClientUnaryCall,
  CallOptions as GrpcCallOptions,
  Metadata,
  ServiceError,
} from "@grpc/grpc-js";
import { type Clock, METADATA, type ServiceName } from "@sw4rm/protocol";
import { buildMetadata } from "./metadata.js";
import {
  type CallOptions,
  type ResolvedClientConfig,
  resolveClientConfig,
  type Sw4rmClientOptions,
} from "./options.js";
import { serverStream } from "./serverStream.js";
import { unary } from "./unary.js";

type GrpcCtor<C> = new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>) => C;

/** Request/response types of a grpc-js unary method (inferred from its last, 4-argument overload). */
type UnaryTypes<F> = F extends (
  request: infer Req,
  metadata: Metadata,
  options: Partial<GrpcCallOptions>,
  callback: (error: ServiceError | null, response: infer Res) => void,
) => ClientUnaryCall
  ? { req: Req; res: Res }
  : never;
type StreamTypes<F> = F extends (
  request: infer Req,
  metadata?: Metadata,
  options?: Partial<GrpcCallOptions>,
) => ClientReadableStream<infer Item>
  ? { req: Req; item: Item }
  : never;

/** A message codec from ts-proto: turns a partial object into a complete request. */
interface Codec<P, Req> {
  fromPartial(object: P): Req;
}

export type UnaryMethod<P, Res> = (request: P, options?: CallOptions) => Promise<Res>;
export type StreamMethod<P, Item> = (request: P, options?: CallOptions) => AsyncIterable<Item>;

/**
 * The one base of all SW4RM service clients. Subclasses declare their methods with `unary(...)` and
 * `stream(...)`; this class owns the channel, address resolution, metadata, deadlines and retries.
 */
export abstract class ServiceClient<C extends Client> {
  readonly service: ServiceName;
  readonly target: string;
  protected readonly grpc: C;
  readonly #config: ResolvedClientConfig;
  readonly #clock: Clock | undefined;

  protected constructor(service: ServiceName, ctor: GrpcCtor<C>, options: Sw4rmClientOptions = {}) {
    this.service = service;
    this.#config = resolveClientConfig(service, options);
    this.#clock = options.clock;
    this.target = this.#config.target;
    const ua = [options.userAgent, METADATA.userAgent].filter(Boolean).join(" ");
    this.grpc = new ctor(this.#config.target, this.#config.credentials, {
      ...this.#config.channelOptions,
      "grpc.primary_user_agent": ua,
    });
  }

  /** Declares a typed unary method. `retrySafe` marks idempotent calls that may be retried. */
  protected unary<K extends keyof C & string, P>(
    name: K,
    codec: Codec<P, UnaryTypes<C[K]>["req"]>,
    retrySafe: boolean,
  ): UnaryMethod<P, UnaryTypes<C[K]>["res"]> {
    const invoke = (this.grpc[name] as (...args: unknown[]) => ClientUnaryCall).bind(this.grpc);
    return (request, options = {}) =>
      unary(invoke, codec.fromPartial(request), {
        metadata: this.metadataFor(options),
        deadlineMs: options.deadlineMs ?? this.#config.deadlineMs,
        retry: this.#config.retry,
        retryEnabled: options.retry ?? retrySafe,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.#clock ? { clock: this.#clock } : {}),
      });
  }

  /** Declares a typed server-streaming method (one stream, no reconnect). */
  protected stream<K extends keyof C & string, P>(
    name: K,
    codec: Codec<P, StreamTypes<C[K]>["req"]>,
  ): StreamMethod<P, StreamTypes<C[K]>["item"]> {
    const invoke = (this.grpc[name] as (...args: unknown[]) => ClientReadableStream<StreamTypes<C[K]>["item"]>).bind(
      this.grpc,
    );
    return (request, options = {}) =>
      serverStream(invoke, codec.fromPartial(request), {
        metadata: this.metadataFor(options),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      });
  }

  /** Call metadata: client-wide entries (incl. the bearer token), per-call entries, correlation id. */
  protected metadataFor(options: CallOptions, extra?: Readonly<Record<string, string>>): Metadata {
    return buildMetadata(this.#config.metadata, { ...options.metadata, ...extra }, options.correlationId);
  }

  /** The channel credentials this client uses (TLS/mTLS or insecure), for extra channels to the same server. */
  protected get credentials(): ChannelCredentials {
    return this.#config.credentials;
  }

  /** Resolves when the channel is connected, or rejects after `timeoutMs`. */
  waitForReady(timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.grpc.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): void {
    this.grpc.close();
  }
}
