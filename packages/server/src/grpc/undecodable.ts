/**
 * Request bytes that do not decode. grpc-js answers a throwing deserializer with INTERNAL "Error
 * deserializing request", which reads as a server bug although the caller sent malformed bytes. These
 * deserializers never throw: they return an empty placeholder remembered with the reason, and
 * handlers (or `rejectUndecodable`) answer INVALID_ARGUMENT naming the problem.
 */
import type { handleUnaryCall } from "@grpc/grpc-js";
import { ErrorCode, Sw4rmError } from "@sw4rm/protocol";

/** Placeholder requests made for undecodable bytes, mapped to why they did not decode. */
const UNDECODABLE = new WeakMap<object, string>();

/** Why the request's bytes did not decode, when it is a placeholder made by `tolerantDeserialize`. */
export function undecodableReason(request: object): string | undefined {
  return UNDECODABLE.get(request);
}

export function tolerantDeserialize<T extends object>(
  codec: { decode(bytes: Uint8Array): T; create(): T },
  typeName: string,
): (buffer: Buffer) => T {
  return (buffer) => {
    try {
      return codec.decode(buffer);
    } catch (error) {
      const request = codec.create();
      const why = error instanceof Error ? error.message : String(error);
      UNDECODABLE.set(request, `request body is not a valid ${typeName} (${why})`);
      return request;
    }
  };
}

/** Wraps a unary handler: an undecodable request gets INVALID_ARGUMENT with the reason, never the handler. */
export function rejectUndecodable<Req extends object, Res>(handler: handleUnaryCall<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const why = UNDECODABLE.get(call.request);
    if (why === undefined) handler(call, callback);
    else callback(new Sw4rmError(ErrorCode.VALIDATION_ERROR, why).toServiceError());
  };
}
