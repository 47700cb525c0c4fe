/** The two refusals of the auth layer, as protocol errors (ErrorCode PERMISSION_DENIED on the wire). */
import { ErrorCode, GrpcStatus, Sw4rmError } from "@sw4rm/protocol";

/** Missing, malformed, expired or unknown credentials (gRPC UNAUTHENTICATED, HTTP 401). */
export function unauthenticated(message: string): Sw4rmError {
  return new Sw4rmError(ErrorCode.PERMISSION_DENIED, message, {
    grpcStatus: GrpcStatus.UNAUTHENTICATED,
    reason: "unauthenticated",
  });
}

/** A valid credential that may not do this (gRPC PERMISSION_DENIED, HTTP 403). */
export function permissionDenied(message: string): Sw4rmError {
  return new Sw4rmError(ErrorCode.PERMISSION_DENIED, message, {
    grpcStatus: GrpcStatus.PERMISSION_DENIED,
    reason: "permission_denied",
  });
}

export function isUnauthenticated(err: Sw4rmError): boolean {
  return err.grpcStatus === GrpcStatus.UNAUTHENTICATED;
}
