/**
 * Authorization at binding time: wraps every handler of a service implementation so the call is
 * authenticated and its method policy checked (on the decoded request) before the handler runs. The
 * handlers themselves are untouched. A refusal fails a unary or client-streaming call through its
 * callback and a server/bidi stream with the same status on the stream.
 */
import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  MethodDefinition,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { ErrorCode, GrpcStatus, Sw4rmError } from "@sw4rm/protocol";
import type { CallerInfo, Logger } from "../contracts.js";
import type { AuthGuard } from "./guard.js";
import type { MethodPolicy } from "./policy.js";
import { CANONICAL_POLICIES, policyFor } from "./policies.js";

type Admit = (call: CallerInfo, request: unknown) => Promise<Sw4rmError | undefined>;
type Fail = (error: { code: GrpcStatus; details: string }) => void;

interface Cancellable {
  readonly cancelled: boolean;
}

const HANDLER_THREW = { code: GrpcStatus.UNKNOWN, details: "Unknown error" };

/** Runs the admission, then fails the call or hands it to `run` (a throw from `run` fails it as grpc-js would). */
function gate(
  call: CallerInfo & Cancellable,
  request: unknown,
  admit: Admit,
  fail: Fail,
  run: () => void,
  logger: Logger,
): void {
  admit(call, request)
    .catch((err: unknown) => {
      logger.error({ err }, "auth: admission failed unexpectedly");
      return new Sw4rmError(ErrorCode.INTERNAL_ERROR, "authorization check failed");
    })
    .then((refusal) => {
      if (refusal) return fail(refusal.toServiceError());
      if (call.cancelled) return;
      try {
        run();
      } catch (err) {
        logger.error({ err }, "service handler threw");
        fail(HANDLER_THREW);
      }
    });
}

function wrap(
  method: MethodDefinition<unknown, unknown>,
  handler: UntypedHandleCall,
  admit: Admit,
  logger: Logger,
): UntypedHandleCall {
  if (!method.requestStream && !method.responseStream) {
    const h = handler as handleUnaryCall<unknown, unknown>;
    const wrapped: handleUnaryCall<unknown, unknown> = (call, callback) =>
      gate(call, call.request, admit, (e) => callback(e), () => h(call, callback), logger);
    return wrapped;
  }
  if (!method.requestStream) {
    const h = handler as handleServerStreamingCall<unknown, unknown>;
    const wrapped: handleServerStreamingCall<unknown, unknown> = (call) =>
      gate(call, call.request, admit, (e) => call.emit("error", e), () => h(call), logger);
    return wrapped;
  }
  if (!method.responseStream) {
    const h = handler as handleClientStreamingCall<unknown, unknown>;
    const wrapped: handleClientStreamingCall<unknown, unknown> = (call, callback) =>
      gate(call, undefined, admit, (e) => callback(e), () => h(call, callback), logger);
    return wrapped;
  }
  const h = handler as handleBidiStreamingCall<unknown, unknown>;
  const wrapped: handleBidiStreamingCall<unknown, unknown> = (call) =>
    gate(call, undefined, admit, (e) => call.emit("error", e), () => h(call), logger);
  return wrapped;
}

export interface GuardServiceOptions {
  /** Policies by method path; default CANONICAL_POLICIES (unlisted methods: authenticated). */
  readonly policies?: Readonly<Record<string, MethodPolicy>>;
  readonly logger: Logger;
}

/** The implementation with every method of `definition` behind `guard`. */
export function guardService(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  guard: AuthGuard,
  options: GuardServiceOptions,
): UntypedServiceImplementation {
  const guarded: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    // Looked up and bound the way grpc-js's addService does (also works for class-based implementations).
    const key = implementation[name] === undefined && method.originalName ? method.originalName : name;
    const found = implementation[key];
    if (found === undefined) continue;
    const handler = found.bind(implementation) as UntypedHandleCall;
    const policy = policyFor(method.path, options.policies ?? CANONICAL_POLICIES);
    guarded[key] =
      policy.kind === "open"
        ? handler
        : wrap(method, handler, (call, request) => guard.admit(call, method.path, policy, request), options.logger);
  }
  return guarded;
}
