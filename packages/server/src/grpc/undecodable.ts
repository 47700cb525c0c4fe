/**
 * Request bytes that do not decode. grpc-js answers a throwing deserializer with INTERNAL "Error
 * deserializing request", which reads as a server bug although the caller sent malformed bytes. The
 * call pipeline wraps every deserializer with `tolerantDeserializer`: it never throws but returns an
 * `Undecodable` marker, and the pipeline answers INVALID_ARGUMENT naming the problem before any handler runs.
 */
import { requestTypeOf } from "./methodTypes.js";

export class Undecodable {
  constructor(readonly reason: string) {}
}

export function tolerantDeserializer<T>(path: string, decode: (bytes: Buffer) => T): (bytes: Buffer) => T | Undecodable {
  return (bytes) => {
    try {
      return decode(bytes);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return new Undecodable(`request body is not a valid ${requestTypeOf(path)} (${why})`);
    }
  };
}

/** Why a decoded value is unusable, for code that decodes inside a stream (e.g. session frames). */
export function undecodableReason(value: unknown): string | undefined {
  return value instanceof Undecodable ? value.reason : undefined;
}
