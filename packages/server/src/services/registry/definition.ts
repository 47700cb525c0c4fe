/**
 * RegistryService as it should be registered: the generated definition with request deserializers
 * that never throw, plus handlers that answer an undecodable request with INVALID_ARGUMENT naming the
 * problem. (With the plain definition grpc-js answers INTERNAL "Error deserializing request", which
 * reads as a server bug although the caller sent malformed bytes.)
 */
import {
  DeregisterAgentRequest,
  HeartbeatRequest,
  RegisterAgentRequest,
  type RegistryServiceServer,
  RegistryServiceService,
} from "@sw4rm/protocol";
import { rejectUndecodable as guard, tolerantDeserialize } from "../../grpc/undecodable.js";


export const registryServiceDefinition = {
  ...RegistryServiceService,
  registerAgent: {
    ...RegistryServiceService.registerAgent,
    requestDeserialize: tolerantDeserialize(RegisterAgentRequest, "sw4rm.registry.RegisterAgentRequest"),
  },
  heartbeat: {
    ...RegistryServiceService.heartbeat,
    requestDeserialize: tolerantDeserialize(HeartbeatRequest, "sw4rm.registry.HeartbeatRequest"),
  },
  deregisterAgent: {
    ...RegistryServiceService.deregisterAgent,
    requestDeserialize: tolerantDeserialize(DeregisterAgentRequest, "sw4rm.registry.DeregisterAgentRequest"),
  },
} as const;


/** The handlers, answering INVALID_ARGUMENT first when `registryServiceDefinition` could not decode the request. */
export function rejectUndecodable(impl: RegistryServiceServer): RegistryServiceServer {
  return {
    ...impl,
    registerAgent: guard(impl.registerAgent),
    heartbeat: guard(impl.heartbeat),
    deregisterAgent: guard(impl.deregisterAgent),
  };
}
