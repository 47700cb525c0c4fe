/** gRPC adapter: RegistryService calls onto the Registry (doc §2.2). */
import type { RegistryServiceServer } from "@sw4rm/protocol";
import { ErrorCode, Sw4rmError } from "@sw4rm/protocol";
import type { Logger } from "../contracts.js";
import { storageFailure } from "../storage/storageErrors.js";
import type { Registry } from "./registry.js";
import { checkHeartbeat } from "./validation.js";

const STORE = "the registry store (registry.db in the data directory)";

/**
 * Unexpected failures become gRPC errors carrying the exact ErrorCode; a store that cannot write (disk
 * full, I/O error, read-only) answers OVERLOADED / RESOURCE_EXHAUSTED saying what to do.
 */
function fault(logger: Logger, method: string, err: unknown) {
  logger.error({ err, method }, "registry call failed");
  const storage = storageFailure(err, { operation: `${method} failed, nothing was stored`, store: STORE });
  return (storage ?? Sw4rmError.from(err)).toServiceError();
}

export function createRegistryGrpc(registry: Registry, logger: Logger): RegistryServiceServer {
  return {
    registerAgent(call, callback) {
      try {
        const result = registry.register(call.request.agent);
        if (!result.accepted) logger.info({ reason: result.reason }, "registration refused");
        callback(null, { accepted: result.accepted, reason: result.accepted ? "" : result.reason });
      } catch (err) {
        callback(fault(logger, "RegisterAgent", err));
      }
    },
    heartbeat(call, callback) {
      try {
        const { agentId, state, health } = call.request;
        const invalid = checkHeartbeat(state, health);
        if (invalid) return callback(new Sw4rmError(ErrorCode.VALIDATION_ERROR, invalid).toServiceError());
        callback(null, { ok: registry.heartbeat(agentId, state, health) });
      } catch (err) {
        callback(fault(logger, "Heartbeat", err));
      }
    },
    deregisterAgent(call, callback) {
      try {
        // Idempotent (doc §1.12): deregistering an unknown agent answers ok=false, not an error.
        callback(null, { ok: registry.deregister(call.request.agentId, call.request.reason) });
      } catch (err) {
        callback(fault(logger, "DeregisterAgent", err));
      }
    },
  };
}
