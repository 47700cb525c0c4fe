/** RegistryService handlers (doc §2.2) over the Registry; the call pipeline maps errors and storage failures. */
import { ErrorCode, type RegistryServiceService, Sw4rmError } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { ServiceHandlers } from "../../grpc/handlers.js";
import type { Registry } from "./registry.js";
import { checkHeartbeat } from "./validation.js";

export function registryHandlers(registry: Registry, logger: Logger): ServiceHandlers<typeof RegistryServiceService> {
  return {
    async registerAgent(request) {
      const result = await registry.register(request.agent);
      if (!result.accepted) logger.info({ reason: result.reason }, "registration refused");
      return { accepted: result.accepted, reason: result.accepted ? "" : result.reason };
    },
    async heartbeat({ agentId, state, health }) {
      const invalid = checkHeartbeat(state, health);
      if (invalid) throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, invalid);
      return { ok: await registry.heartbeat(agentId, state, health) };
    },
    // Idempotent (doc §1.12): deregistering an unknown agent answers ok=false, not an error.
    async deregisterAgent({ agentId, reason }) {
      return { ok: await registry.deregister(agentId, reason) };
    },
  };
}
