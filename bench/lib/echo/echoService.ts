/**
 * The bare grpc-js ceiling service: bytes in, bytes out, identity (de)serialisation, so it measures
 * grpc-js and HTTP/2 only. Unary echo, a server stream that repeats the request until cancelled,
 * and a bidi stream that echoes each message.
 */
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

const identity = (b: Buffer): Buffer => b;

function method(name: string, requestStream: boolean, responseStream: boolean): MethodDefinition<Buffer, Buffer> {
  return {
    path: `/sw4rm.bench.Echo/${name}`,
    requestStream,
    responseStream,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

export const ECHO_METHODS = {
  unary: method("Unary", false, false),
  serverStream: method("ServerStream", false, true),
  bidi: method("Bidi", true, true),
} as const;

export const ECHO_SERVICE: ServiceDefinition = ECHO_METHODS;

export const ECHO_READY_PREFIX = "echo ready ";
