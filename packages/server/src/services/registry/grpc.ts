/** gRPC adapter: RegistryService calls onto the Registry (doc §2.2). */
import type { RegistryServiceServer } from "@sw4rm/protocol";
import { ErrorCode, Sw4rmError } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import { storageFailure } from "../../storage/storageErrors.js";
import type { Registry } from "./registry.js";
import type { RegistryStore } from "./store.js";
import { checkHeartbeat } from "./validation.js";

/**
 * Unexpected failures become gRPC errors carrying the exact ErrorCode; a store that cannot write (disk
 * full, I/O error, read-only) answers OVERLOADED / RESOURCE_EXHAUSTED naming the store and what to do.
 */
function fault(logger: Logger, store: RegistryStore, method: string, err: unknown) {
  logger.error({ err, method }, "registry call failed");
  const operation = `${method} failed, nothing was stored`;
  const storage = storageFailure(err, { operation, store: store.describe() });
  return (storage ?? Sw4rmError.from(err)).toServiceError();
}

export function createRegistryGrpc(registry: Registry, store: RegistryStore, logger: Logger): RegistryServiceServer {
  return {
    registerAgent(call, callback) {
      registry.register(call.request.agent).then(
        (result) => {
          if (!result.accepted) logger.info({ reason: result.reason }, "registration refused");
          callback(null, { accepted: result.accepted, reason: result.accepted ? "" : result.reason });
        },
        (err: unknown) => callback(fault(logger, store, "RegisterAgent", err)),
      );
    },
    heartbeat(call, callback) {
      const { agentId, state, health } = call.request;
      const invalid = checkHeartbeat(state, health);
      if (invalid) return callback(new Sw4rmError(ErrorCode.VALIDATION_ERROR, invalid).toServiceError());
      registry.heartbeat(agentId, state, health).then(
        (ok) => callback(null, { ok }),
        (err: unknown) => callback(fault(logger, store, "Heartbeat", err)),
      );
    },
    deregisterAgent(call, callback) {
      // Idempotent (doc §1.12): deregistering an unknown agent answers ok=false, not an error.
      registry.deregister(call.request.agentId, call.request.reason).then(
        (ok) => callback(null, { ok }),
        (err: unknown) => callback(fault(logger, store, "DeregisterAgent", err)),
      );
    },
  };
}
