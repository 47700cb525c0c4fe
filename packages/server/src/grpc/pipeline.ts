/**
 * The call pipeline every RPC goes through: decode (undecodable bytes → INVALID_ARGUMENT), authentication
 * and per-method authorization, call hooks (metrics now, tracing later), the handler with its
 * CallContext (per-call AbortSignal), and one error mapping: a Sw4rmError keeps its code, a storage
 * failure becomes OVERLOADED naming the store, anything else is logged and answered INTERNAL.
 */
import type {
  MethodDefinition,
  sendUnaryData,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  ServiceError,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { ErrorCode, GrpcStatus, Sw4rmError } from "@sw4rm/protocol";
import type { CallerInfo, Logger } from "../contracts.js";
import type { AuthGuard } from "../auth/guard.js";
import { AUTHENTICATED_POLICY, type MethodPolicy } from "../auth/policy.js";
import { storageFailure } from "../storage/storageErrors.js";
import { PipelineContext, type ServerCall } from "./callContext.js";
import { tolerantDeserializer, Undecodable } from "./undecodable.js";
import { type DefinitionLike, type MethodLike, rawHandlerOf, type ServiceHandlers } from "./handlers.js";

/** Observes calls (metrics, tracing). `start` returns the function called once with the final status. */
export interface CallHook {
  start(method: BoundMethod, caller: CallerInfo): ((code: GrpcStatus) => void) | undefined;
}

export interface BoundMethod {
  /** Full path, "/sw4rm.registry.RegistryService/RegisterAgent". */
  readonly path: string;
  /** "RegisterAgent". */
  readonly name: string;
  /** The service-table name of the service it belongs to ("registry"). */
  readonly service: string;
}

export interface ServiceSpec<D extends DefinitionLike> {
  /** Service-table name (metrics and logs); e.g. "registry". */
  readonly service: string;
  readonly definition: D;
  readonly handlers: ServiceHandlers<D>;
  /** Authorization per method path; unlisted methods need an authenticated caller (never open by omission). */
  readonly policies?: Readonly<Record<string, MethodPolicy>>;
  /** The store behind the service, named in storage-failure answers ("scheduler.sqlite at /data"). */
  readonly store?: { describe(): string };
}

export interface PipelineOptions {
  readonly logger: Logger;
  /** Present when callers are authenticated. */
  readonly guard?: AuthGuard;
  readonly hooks?: readonly CallHook[];
  /** Aborted when the server shuts down (joins every call's signal). */
  readonly shutdown: AbortSignal;
}

export interface BoundService {
  /** The definition to register: every request deserializer made tolerant. */
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

type End = (code: GrpcStatus) => void;
const NO_END: End = () => {};

const statusOf = (err: unknown): GrpcStatus => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : GrpcStatus.UNKNOWN;
};

class MethodBinding {
  readonly info: BoundMethod;
  readonly #policy: MethodPolicy;
  readonly #opts: PipelineOptions;
  readonly #store: { describe(): string } | undefined;

  constructor(info: BoundMethod, policy: MethodPolicy, opts: PipelineOptions, store: { describe(): string } | undefined) {
    this.info = info;
    this.#policy = policy;
    this.#opts = opts;
    this.#store = store;
  }

  begin(call: ServerCall): { ctx: PipelineContext; end: End } {
    const hooks = this.#opts.hooks;
    let end = NO_END;
    if (hooks && hooks.length > 0) {
      const ends = hooks.map((h) => h.start(this.info, call)).filter((e): e is End => e !== undefined);
      let done = false;
      end = (code) => {
        if (done) return;
        done = true;
        for (const e of ends) e(code);
      };
    }
    return { ctx: new PipelineContext(this.info.path, call, this.#opts.guard, this.#opts.shutdown), end };
  }

  /** Authorization; calls `run` directly when there is nothing to check (auth off or an open method). */
  admit(call: ServerCall, request: unknown, fail: (e: ServiceError) => void, run: () => void): void {
    const guard = this.#opts.guard;
    if (!guard || this.#policy.kind === "open") return run();
    guard
      .admit(call, this.info.path, this.#policy, request)
      .catch((err: unknown) => {
        this.#opts.logger.error({ err, method: this.info.path }, "auth: admission failed unexpectedly");
        return new Sw4rmError(ErrorCode.INTERNAL_ERROR, "authorization check failed");
      })
      .then((refusal) => {
        if (refusal) fail(refusal.toServiceError() as ServiceError);
        else if (!call.cancelled) run();
      });
  }

  /** One mapping of a handler failure to a gRPC status for every service. */
  fault(err: unknown): ServiceError {
    if (Sw4rmError.is(err) && err.code !== ErrorCode.INTERNAL_ERROR) return err.toServiceError() as ServiceError;
    const storage = storageFailure(err, {
      operation: `${this.info.name} failed, nothing was stored`,
      ...(this.#store ? { store: this.#store.describe() } : {}),
    });
    this.#opts.logger.error({ err, method: this.info.path }, `${this.info.name} failed`);
    return (storage ?? Sw4rmError.from(err)).toServiceError() as ServiceError;
  }
}

function invalid(reason: string): ServiceError {
  return new Sw4rmError(ErrorCode.VALIDATION_ERROR, reason).toServiceError() as ServiceError;
}

/** Request items of a client/bidi stream; an undecodable item fails the call with INVALID_ARGUMENT. */
async function* requests<T>(stream: AsyncIterable<unknown>): AsyncIterable<T> {
  for await (const item of stream) {
    if (item instanceof Undecodable) throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, item.reason);
    yield item as T;
  }
}

/** Writes items with backpressure; stops when the client goes away. */
async function pump<T>(
  items: AsyncIterable<T>,
  call: { write(v: T): boolean; readonly cancelled: boolean; once(e: "drain" | "cancelled", l: () => void): unknown },
) {
  for await (const item of items) {
    if (call.cancelled) return;
    if (!call.write(item)) await new Promise<void>((resolve) => {
      call.once("drain", resolve);
      call.once("cancelled", resolve);
    });
  }
}

function unary(m: MethodBinding, handler: unknown): UntypedHandleCall {
  const rawFn = rawHandlerOf(handler) as
    | ((call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>, ctx: PipelineContext) => void)
    | undefined;
  const fn = handler as (req: unknown, ctx: PipelineContext) => unknown;
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const { ctx, end } = m.begin(call);
    const reply: sendUnaryData<unknown> = (err, value) => {
      ctx.dispose();
      end(err ? statusOf(err) : GrpcStatus.OK);
      callback(err, value);
    };
    const request = call.request;
    if (request instanceof Undecodable) return reply(invalid(request.reason));
    m.admit(call, request, (e) => reply(e), () => {
      if (rawFn) {
        try {
          rawFn(call, reply, ctx);
        } catch (err) {
          reply(m.fault(err));
        }
        return;
      }
      let result: unknown;
      try {
        result = fn(request, ctx);
      } catch (err) {
        return reply(m.fault(err));
      }
      Promise.resolve(result).then(
        (value) => reply(null, value),
        (err: unknown) => reply(m.fault(err)),
      );
    });
  };
}

/** Ends the observation of a stream the handler answers itself. */
function watchStream(call: ServerCall & NodeJS.EventEmitter, ctx: PipelineContext, end: End): void {
  const finish = (code: GrpcStatus) => {
    ctx.dispose();
    end(code);
  };
  call.once("finish", () => finish(GrpcStatus.OK));
  call.once("error", (err: unknown) => finish(statusOf(err)));
  call.once("cancelled", () => finish(GrpcStatus.CANCELLED));
}

function serverStream(m: MethodBinding, handler: unknown): UntypedHandleCall {
  const rawFn = rawHandlerOf(handler) as
    | ((call: ServerWritableStream<unknown, unknown>, ctx: PipelineContext) => void)
    | undefined;
  const fn = handler as (req: unknown, ctx: PipelineContext) => AsyncIterable<unknown>;
  return (call: ServerWritableStream<unknown, unknown>) => {
    const { ctx, end } = m.begin(call);
    watchStream(call, ctx, end);
    const fail = (e: ServiceError) => void call.emit("error", e);
    const request = call.request;
    if (request instanceof Undecodable) return fail(invalid(request.reason));
    m.admit(call, request, fail, () => {
      if (rawFn) {
        try {
          rawFn(call, ctx);
        } catch (err) {
          fail(m.fault(err));
        }
        return;
      }
      pump(fn(request, ctx), call).then(
        () => {
          if (!call.cancelled) call.end();
        },
        (err: unknown) => {
          if (!call.cancelled) fail(m.fault(err));
        },
      );
    });
  };
}

function clientStream(m: MethodBinding, handler: unknown): UntypedHandleCall {
  const rawFn = rawHandlerOf(handler) as
    | ((call: ServerReadableStream<unknown, unknown>, cb: sendUnaryData<unknown>, ctx: PipelineContext) => void)
    | undefined;
  const fn = handler as (reqs: AsyncIterable<unknown>, ctx: PipelineContext) => Promise<unknown>;
  return (call: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const { ctx, end } = m.begin(call);
    const reply: sendUnaryData<unknown> = (err, value) => {
      ctx.dispose();
      end(err ? statusOf(err) : GrpcStatus.OK);
      callback(err, value);
    };
    m.admit(call, undefined, (e) => reply(e), () => {
      if (rawFn) {
        try {
          rawFn(call, reply, ctx);
        } catch (err) {
          reply(m.fault(err));
        }
        return;
      }
      fn(requests(call), ctx).then(
        (value) => reply(null, value),
        (err: unknown) => reply(m.fault(err)),
      );
    });
  };
}

function bidiStream(m: MethodBinding, handler: unknown): UntypedHandleCall {
  const rawFn = rawHandlerOf(handler) as
    | ((call: ServerDuplexStream<unknown, unknown>, ctx: PipelineContext) => void)
    | undefined;
  const fn = handler as (reqs: AsyncIterable<unknown>, ctx: PipelineContext) => AsyncIterable<unknown>;
  return (call: ServerDuplexStream<unknown, unknown>) => {
    const { ctx, end } = m.begin(call);
    watchStream(call, ctx, end);
    const fail = (e: ServiceError) => void call.emit("error", e);
    m.admit(call, undefined, fail, () => {
      if (rawFn) {
        try {
          rawFn(call, ctx);
        } catch (err) {
          fail(m.fault(err));
        }
        return;
      }
      pump(fn(requests(call), ctx), call).then(
        () => {
          if (!call.cancelled) call.end();
        },
        (err: unknown) => {
          if (!call.cancelled) fail(m.fault(err));
        },
      );
    });
  };
}

/** Binds a service's handlers behind the pipeline. */
export function bindService<D extends DefinitionLike>(spec: ServiceSpec<D>, opts: PipelineOptions): BoundService {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  const implementation: UntypedServiceImplementation = {};
  for (const [key, method] of Object.entries(spec.definition) as [string, MethodLike][]) {
    const handler = (spec.handlers as Readonly<Record<string, unknown>>)[key];
    if (handler === undefined) throw new Error(`${spec.service}: no handler for ${method.path}`);
    const name = method.path.slice(method.path.lastIndexOf("/") + 1);
    const policy = spec.policies?.[method.path] ?? AUTHENTICATED_POLICY;
    const m = new MethodBinding({ path: method.path, name, service: spec.service }, policy, opts, spec.store);
    definition[key] = {
      ...(method as unknown as MethodDefinition<unknown, unknown>),
      requestDeserialize: tolerantDeserializer(method.path, method.requestDeserialize),
    };
    implementation[key] = !method.requestStream
      ? method.responseStream
        ? serverStream(m, handler)
        : unary(m, handler)
      : method.responseStream
        ? bidiStream(m, handler)
        : clientStream(m, handler);
  }
  return { definition: definition as ServiceDefinition, implementation };
}
