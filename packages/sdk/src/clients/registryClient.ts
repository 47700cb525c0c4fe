import {
  DeregisterAgentRequest,
  RegistryServiceClient as Grpc,
  HeartbeatRequest,
  RegisterAgentRequest,
} from "@sw4rm/protocol";
import type { Sw4rmClientOptions } from "../transport/options.js";
import { ServiceClient } from "../transport/serviceClient.js";

/** RegistryService (default localhost:50052, SW4RM_REGISTRY_ADDR). Register is not idempotent; heartbeat and deregister are (spec §1.12). */
export class RegistryClient extends ServiceClient<Grpc> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("registry", Grpc, options);
  }
  readonly registerAgent = this.unary("registerAgent", RegisterAgentRequest, false);
  readonly heartbeat = this.unary("heartbeat", HeartbeatRequest, true);
  readonly deregisterAgent = this.unary("deregisterAgent", DeregisterAgentRequest, true);
}
