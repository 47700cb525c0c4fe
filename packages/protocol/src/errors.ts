import { status as GrpcStatus, Metadata } from "@grpc/grpc-js";
import { METADATA } from "./constants.js";
import { ErrorCode } from "./gen/index.js";

export { GrpcStatus };

const BRAND = Symbol.for("sw4rm.Sw4rmError");

/** ErrorCode → gRPC status used when a server fails a call with a protocol error. */
const CODE_TO_STATUS: Readonly<Record<ErrorCode, GrpcStatus>> = {
  [ErrorCode.ERROR_CODE_UNSPECIFIED]: GrpcStatus.UNKNOWN,
  [ErrorCode.BUFFER_FULL]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ErrorCode.NO_ROUTE]: GrpcStatus.NOT_FOUND,
  [ErrorCode.ACK_TIMEOUT]: GrpcStatus.DEADLINE_EXCEEDED,
  [ErrorCode.AGENT_UNAVAILABLE]: GrpcStatus.UNAVAILABLE,
  [ErrorCode.AGENT_SHUTDOWN]: GrpcStatus.UNAVAILABLE,
  [ErrorCode.VALIDATION_ERROR]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCode.PERMISSION_DENIED]: GrpcStatus.PERMISSION_DENIED,
  [ErrorCode.UNSUPPORTED_MESSAGE_TYPE]: GrpcStatus.UNIMPLEMENTED,
  [ErrorCode.OVERSIZE_PAYLOAD]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ErrorCode.TOOL_TIMEOUT]: GrpcStatus.DEADLINE_EXCEEDED,
  [ErrorCode.PARTIAL_DELIVERY]: GrpcStatus.INTERNAL,
  [ErrorCode.FORCED_PREEMPTION]: GrpcStatus.ABORTED,
  [ErrorCode.TTL_EXPIRED]: GrpcStatus.DEADLINE_EXCEEDED,
  [ErrorCode.DUPLICATE_DETECTED]: GrpcStatus.ALREADY_EXISTS,
  [ErrorCode.ALREADY_IN_PROGRESS]: GrpcStatus.ABORTED,
  [ErrorCode.OVERLOADED]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ErrorCode.REDIRECT]: GrpcStatus.FAILED_PRECONDITION,
  [ErrorCode.INTERNAL_ERROR]: GrpcStatus.INTERNAL,
};

/** gRPC status → ErrorCode when no exact code travelled with the error (upstream JS errorMapping.ts, plus ALREADY_EXISTS). */
export function errorCodeFromGrpcStatus(code: GrpcStatus): ErrorCode {
  switch (code) {
    case GrpcStatus.OK:
      return ErrorCode.ERROR_CODE_UNSPECIFIED;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return ErrorCode.BUFFER_FULL;
    case GrpcStatus.NOT_FOUND:
      return ErrorCode.NO_ROUTE;
    case GrpcStatus.DEADLINE_EXCEEDED:
      return ErrorCode.ACK_TIMEOUT;
    case GrpcStatus.UNAVAILABLE:
      return ErrorCode.AGENT_UNAVAILABLE;
    case GrpcStatus.PERMISSION_DENIED:
    case GrpcStatus.UNAUTHENTICATED:
      return ErrorCode.PERMISSION_DENIED;
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
    case GrpcStatus.FAILED_PRECONDITION:
      return ErrorCode.VALIDATION_ERROR;
    case GrpcStatus.UNIMPLEMENTED:
      return ErrorCode.UNSUPPORTED_MESSAGE_TYPE;
    case GrpcStatus.ALREADY_EXISTS:
      return ErrorCode.DUPLICATE_DETECTED;
    default:
      return ErrorCode.INTERNAL_ERROR;
  }
}

export function grpcStatusFromErrorCode(code: ErrorCode): GrpcStatus {
  return CODE_TO_STATUS[code] ?? GrpcStatus.UNKNOWN;
}

const RETRYABLE_STATUS = new Set<GrpcStatus>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
]);

/** Whether a call that failed with this status may be retried (OPERATIONAL_CONTRACTS). */
export function isRetryableStatus(code: GrpcStatus): boolean {
  return RETRYABLE_STATUS.has(code);
}

/** Snake-case spellings the spec uses (§11, §13, doc §1.15) → ErrorCode. */
export function errorCodeFromString(text: string): ErrorCode | undefined {
  const key = text
    .trim()
    .toUpperCase()
    .replace(/^ERROR_CODE_/, "");
  if (/^\d+$/.test(key)) {
    const n = Number(key);
    return n in ErrorCode && typeof ErrorCode[n] === "string" ? (n as ErrorCode) : undefined;
  }
  const value = (ErrorCode as unknown as Record<string, unknown>)[key];
  return typeof value === "number" ? (value as ErrorCode) : undefined;
}

export function errorCodeName(code: ErrorCode): string {
  return ErrorCode[code] ?? `ERROR_CODE_${code}`;
}

export interface Sw4rmErrorOptions {
  /** A spec string code without an enum value, e.g. `agent_shutdown_timeout`, `activity_buffer_full`. */
  readonly reason?: string;
  /** Overrides the default gRPC status for the code. */
  readonly grpcStatus?: GrpcStatus;
  readonly cause?: unknown;
  /** The envelope field or request field at fault, for validation errors. */
  readonly field?: string;
}

/**
 * The one error type of SW4RM: a protocol ErrorCode, a message that says what to fix, and the gRPC
 * status it travels as. `Sw4rmError.is` works across duplicate package copies (brand, not instanceof).
 */
export class Sw4rmError extends Error {
  readonly code: ErrorCode;
  readonly grpcStatus: GrpcStatus;
  readonly reason: string | undefined;
  readonly field: string | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: Sw4rmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "Sw4rmError";
    this.code = code;
    this.grpcStatus = options.grpcStatus ?? grpcStatusFromErrorCode(code);
    this.reason = options.reason;
    this.field = options.field;
  }

  get codeName(): string {
    return errorCodeName(this.code);
  }

  get retryable(): boolean {
    return isRetryableStatus(this.grpcStatus);
  }

  static is(value: unknown): value is Sw4rmError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Normalises anything thrown (a gRPC ServiceError, an AbortError, a plain Error) into a Sw4rmError. */
  static from(value: unknown): Sw4rmError {
    if (Sw4rmError.is(value)) return value;
    if (isServiceError(value)) {
      const exact = value.metadata?.get(METADATA.errorCode)[0];
      const parsed = typeof exact === "string" ? errorCodeFromString(exact) : undefined;
      const code = parsed ?? errorCodeFromGrpcStatus(value.code);
      return new Sw4rmError(code, value.details || value.message, { grpcStatus: value.code, cause: value });
    }
    if (value instanceof Error && value.name === "AbortError") {
      // An aborted call is its own outcome, not a timeout: the SDK reports it the same way (isAbortedError).
      return new Sw4rmError(ErrorCode.ERROR_CODE_UNSPECIFIED, value.message || "operation aborted", {
        grpcStatus: GrpcStatus.CANCELLED,
        reason: "aborted",
        cause: value,
      });
    }
    const message = value instanceof Error ? value.message : String(value);
    return new Sw4rmError(ErrorCode.INTERNAL_ERROR, message, { cause: value });
  }

  /** The object a grpc-js handler passes to its callback / `call.destroy` to fail the call with this error. */
  toServiceError(): { code: GrpcStatus; details: string; metadata: Metadata } {
    const metadata = new Metadata();
    metadata.set(METADATA.errorCode, String(this.code));
    return { code: this.grpcStatus, details: this.message, metadata };
  }
}

interface ServiceErrorLike {
  code: GrpcStatus;
  details: string;
  message: string;
  metadata?: Metadata;
}

function isServiceError(value: unknown): value is ServiceErrorLike {
  return (
    value instanceof Error &&
    typeof (value as unknown as { code?: unknown }).code === "number" &&
    typeof (value as unknown as { details?: unknown }).details === "string"
  );
}

/** Shorthand for the most common failure: a field that does not satisfy a constraint. */
export function validationError(field: string, message: string): Sw4rmError {
  return new Sw4rmError(ErrorCode.VALIDATION_ERROR, `${field}: ${message}`, { field });
}
