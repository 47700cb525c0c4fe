import { ErrorCode, GrpcStatus, Sw4rmError } from "@sw4rm/protocol";

/**
 * The error of a call its caller aborted: the signal's reason when that is already a Sw4rmError
 * (e.g. AGENT_SHUTDOWN from agent.stop()), else CANCELLED with reason "aborted". Never ACK_TIMEOUT:
 * the caller gave up, nothing timed out.
 */
export function abortedError(signal: AbortSignal, what: string): Sw4rmError {
  const why: unknown = signal.reason;
  if (Sw4rmError.is(why)) return why;
  return new Sw4rmError(ErrorCode.ERROR_CODE_UNSPECIFIED, `${what} aborted by the caller`, {
    grpcStatus: GrpcStatus.CANCELLED,
    reason: "aborted",
    cause: why,
  });
}

/** Whether `error` is an aborted call (see abortedError). */
export function isAbortedError(error: unknown): boolean {
  return Sw4rmError.is(error) && error.grpcStatus === GrpcStatus.CANCELLED && error.reason === "aborted";
}
