/** The CallContext the pipeline gives each handler (see handlers.ts). */
import type { Metadata } from "@grpc/grpc-js";
import { ErrorCode, GrpcStatus, Sw4rmError } from "@sw4rm/protocol";
import type { CallerInfo, CallGuard, Principal } from "../contracts.js";
import type { CallContext } from "./handlers.js";

/** What the pipeline needs of a grpc-js server call of any kind. */
export type ServerCall = CallerInfo & {
  readonly cancelled: boolean;
  getDeadline(): Date | number;
  once(event: "cancelled", listener: () => void): unknown;
  removeListener(event: "cancelled", listener: () => void): unknown;
};

const DEADLINE_TOLERANCE_MS = 50;

export class PipelineContext implements CallContext {
  readonly method: string;
  readonly caller: ServerCall;
  readonly #guard: CallGuard | undefined;
  readonly #shutdown: AbortSignal;
  #controller: AbortController | undefined;
  #dispose: (() => void) | undefined;

  constructor(method: string, call: ServerCall, guard: CallGuard | undefined, shutdown: AbortSignal) {
    this.method = method;
    this.caller = call;
    this.#guard = guard;
    this.#shutdown = shutdown;
  }

  get metadata(): Metadata {
    return this.caller.metadata;
  }

  get principal(): Principal | undefined {
    return this.#guard?.principal(this.caller);
  }

  remainingMs(): number | undefined {
    const deadline = Number(this.caller.getDeadline());
    return Number.isFinite(deadline) ? Math.max(0, deadline - Date.now()) : undefined;
  }

  get signal(): AbortSignal {
    if (this.#controller) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    const abort = (reason: Sw4rmError) => {
      if (!controller.signal.aborted) controller.abort(reason);
      this.dispose();
    };
    const deadlineError = () =>
      new Sw4rmError(ErrorCode.ACK_TIMEOUT, `${this.method}: the call's deadline passed`, {
        grpcStatus: GrpcStatus.DEADLINE_EXCEEDED,
      });
    // A client whose deadline passes cancels the stream itself, often just before our own timer fires
    // (the deadline travels in whole milliseconds): a cancel that close to the deadline is the deadline.
    const onCancel = () =>
      abort(
        (this.remainingMs() ?? Number.POSITIVE_INFINITY) < DEADLINE_TOLERANCE_MS
          ? deadlineError()
          : new Sw4rmError(ErrorCode.INTERNAL_ERROR, "the client cancelled the call", { grpcStatus: GrpcStatus.CANCELLED }),
      );
    const onShutdown = () => abort(new Sw4rmError(ErrorCode.AGENT_SHUTDOWN, "the server is shutting down", { grpcStatus: GrpcStatus.UNAVAILABLE }));
    const remaining = this.remainingMs();
    const timer =
      remaining === undefined
        ? undefined
        : setTimeout(() => abort(deadlineError()), remaining);
    this.caller.once("cancelled", onCancel);
    this.#shutdown.addEventListener("abort", onShutdown, { once: true });
    this.#dispose = () => {
      if (timer) clearTimeout(timer);
      this.caller.removeListener("cancelled", onCancel);
      this.#shutdown.removeEventListener("abort", onShutdown);
    };
    if (this.caller.cancelled) onCancel();
    else if (this.#shutdown.aborted) onShutdown();
    return controller.signal;
  }

  /** Releases the signal's listeners and timer once the call is over. */
  dispose(): void {
    const d = this.#dispose;
    this.#dispose = undefined;
    d?.();
  }
}
