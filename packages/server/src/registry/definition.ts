/**
 * RegistryService as it should be registered: the generated definition with request deserializers
 * that never throw, plus handlers that answer an undecodable request with INVALID_ARGUMENT naming the
 * problem. (With the plain definition grpc-js answers INTERNAL "Error deserializing request", which
 * reads as a server bug although the caller sent malformed bytes.)
 */
import type { handleUnaryCall } from "@grpc/grpc-js";
import {
  DeregisterAgentRequest,
  ErrorCode,
  HeartbeatRequest,
  RegisterAgentRequest,
  type RegistryServiceServer,
  RegistryServiceService,
  Sw4rmError,
} from "@sw4rm/protocol";

/** Placeholder requests made for undecodable bytes, mapped to why they did not decode. */
const UNDECODABLE = new WeakMap<object, string>();

function tolerant<T extends object>(codec: { decode(bytes: Uint8Array): T; create(): T }, typeName: string) {
  return (buffer: Buffer): T => {
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

export const registryServiceDefinition = {
  ...RegistryServiceService,
  registerAgent: {
    ...RegistryServiceService.registerAgent,
    requestDeserialize: tolerant(RegisterAgentRequest, "sw4rm.registry.RegisterAgentRequest"),
  },
  heartbeat: {
    ...RegistryServiceService.heartbeat,
    requestDeserialize: tolerant(HeartbeatRequest, "sw4rm.registry.HeartbeatRequest"),
  },
  deregisterAgent: {
    ...RegistryServiceService.deregisterAgent,
    requestDeserialize: tolerant(DeregisterAgentRequest, "sw4rm.registry.DeregisterAgentRequest"),
  },
} as const;

function guard<Req extends object, Res>(handler: handleUnaryCall<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const why = UNDECODABLE.get(call.request);
    if (why === undefined) handler(call, callback);
    else callback(new Sw4rmError(ErrorCode.VALIDATION_ERROR, why).toServiceError());
  };
}

/** The handlers, answering INVALID_ARGUMENT first when `registryServiceDefinition` could not decode the request. */
export function rejectUndecodable(impl: RegistryServiceServer): RegistryServiceServer {
  return {
    ...impl,
    registerAgent: guard(impl.registerAgent),
    heartbeat: guard(impl.heartbeat),
    deregisterAgent: guard(impl.deregisterAgent),
  };
}
