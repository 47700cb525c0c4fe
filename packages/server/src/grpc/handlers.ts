/**
 * Handler shapes the call pipeline binds (grpc/pipeline.ts). Services write plain async functions over
 * decoded requests; the pipeline does decoding, authentication and authorization, the per-call
 * AbortSignal, tracing/metrics hooks and error mapping. Hot paths that manage flow control themselves
 * (the router's streams) use `raw()` handlers and get the grpc-js call object, still behind the pipeline.
 */
import type {
  Metadata,
  sendUnaryData,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
} from "@grpc/grpc-js";
import type { CallerInfo, Principal } from "../contracts.js";

/** What a handler knows about its call besides the request. */
export interface CallContext {
  /** Full method path, e.g. "/sw4rm.registry.RegistryService/RegisterAgent". */
  readonly method: string;
  readonly metadata: Metadata;
  /** The authenticated caller; undefined when authentication is off. */
  readonly principal: Principal | undefined;
  /**
   * Aborted when the client cancels, the call's deadline passes or the server shuts down. Created on
   * first access, so handlers that never wait cost nothing.
   */
  readonly signal: AbortSignal;
  /** Milliseconds left until the call's deadline (wall clock), or undefined when it has none. */
  remainingMs(): number | undefined;
  /** The grpc-js call, for checks that need the caller's identity inside messages (CallGuard). */
  readonly caller: CallerInfo;
}

export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res> | Res;
export type ServerStreamHandler<Req, Res> = (request: Req, ctx: CallContext) => AsyncIterable<Res>;
export type ClientStreamHandler<Req, Res> = (requests: AsyncIterable<Req>, ctx: CallContext) => Promise<Res>;
export type BidiStreamHandler<Req, Res> = (requests: AsyncIterable<Req>, ctx: CallContext) => AsyncIterable<Res>;

export type RawUnary<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>, ctx: CallContext) => void;
export type RawServerStream<Req, Res> = (call: ServerWritableStream<Req, Res>, ctx: CallContext) => void;
export type RawClientStream<Req, Res> = (
  call: ServerReadableStream<Req, Res>,
  callback: sendUnaryData<Res>,
  ctx: CallContext,
) => void;
export type RawBidiStream<Req, Res> = (call: ServerDuplexStream<Req, Res>, ctx: CallContext) => void;

const RAW = Symbol("sw4rm.rawHandler");

/** A handler that gets the grpc-js call itself (it answers through the callback or the stream). */
export interface Raw<F> {
  readonly [RAW]: F;
}

export function raw<F>(handler: F): Raw<F> {
  return { [RAW]: handler };
}

export function rawHandlerOf(value: unknown): unknown {
  return typeof value === "object" && value !== null && RAW in value ? (value as Raw<unknown>)[RAW] : undefined;
}

/** A method of a generated grpc-js service definition (ts-proto `…Service` consts). */
export interface MethodLike {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestDeserialize: (bytes: Buffer) => unknown;
  readonly responseSerialize: (value: never) => Buffer;
}

export type DefinitionLike = Readonly<Record<string, MethodLike>>;

type RequestOf<M> = M extends { requestDeserialize: (bytes: Buffer) => infer R } ? R : never;
type ResponseOf<M> = M extends { responseSerialize: (value: infer R) => Buffer } ? R : never;

/** The handler type of one method: async style or raw. */
export type HandlerOf<M> = M extends { requestStream: false; responseStream: false }
  ? UnaryHandler<RequestOf<M>, ResponseOf<M>> | Raw<RawUnary<RequestOf<M>, ResponseOf<M>>>
  : M extends { requestStream: false; responseStream: true }
    ? ServerStreamHandler<RequestOf<M>, ResponseOf<M>> | Raw<RawServerStream<RequestOf<M>, ResponseOf<M>>>
    : M extends { requestStream: true; responseStream: false }
      ? ClientStreamHandler<RequestOf<M>, ResponseOf<M>> | Raw<RawClientStream<RequestOf<M>, ResponseOf<M>>>
      : BidiStreamHandler<RequestOf<M>, ResponseOf<M>> | Raw<RawBidiStream<RequestOf<M>, ResponseOf<M>>>;

/** Every method of a service definition, keyed like the definition. */
export type ServiceHandlers<D> = { readonly [K in keyof D]: HandlerOf<D[K]> };

