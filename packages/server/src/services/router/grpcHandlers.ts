/** grpc-js handlers of sw4rm.router.RouterService (doc §2.3) over the router core. */

import type { Metadata } from "@grpc/grpc-js";
import {
  DeliveryAckOutcome,
  DeliveryAckRequest,
  ErrorCode,
  GrpcStatus,
  METADATA,
  type RouterServiceServer,
  RouterServiceService,
  StreamRequest,
  Sw4rmError,
  validationError,
} from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import { storageFailure } from "../../storage/storageErrors.js";
import type { Admission } from "./admission.js";
import type { StreamCall } from "./deliverySink.js";
import { parseLane, reason } from "./reasons.js";
import { serializeStreamItem } from "./streamItemWire.js";
import { captureRawDeserialize, rawEnvelopeOf, tolerantDeserialize, undecodableReason } from "./wire.js";

const ROUTER_STORE = "the router store (router.sqlite in the data directory)";
const SEND_REFUSED = { operation: "SendMessage refused, nothing was stored", store: ROUTER_STORE } as const;
const ACK_FAILED = { operation: "AckDelivery not recorded (the item stays un-acked)", store: ROUTER_STORE } as const;

export interface GrpcCore {
  readonly admission: Admission;
  readonly logger: Logger;
  openStream(agentId: string, call: StreamCall): void;
  ack(agentId: string, seq: bigint, messageId: string, outcome: DeliveryAckOutcome): Promise<boolean>;
}

/** `sw4rm-to` may repeat and/or hold a comma-separated list. */
export function recipientsFrom(metadata: Metadata): string[] {
  return metadata
    .get(METADATA.recipients)
    .flatMap((v) => String(v).split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * The service definition to register: RouterServiceService with a SendMessage deserializer that keeps
 * the envelope bytes exactly as received (stored and redelivered verbatim), and deserializers that
 * let undecodable requests reach the handlers (INVALID_ARGUMENT, see `undecodable`). Registering the
 * plain generated definition also works; envelopes are then re-encoded once at admission.
 */
export const routerServiceDefinition = {
  ...RouterServiceService,
  sendMessage: { ...RouterServiceService.sendMessage, requestDeserialize: captureRawDeserialize },
  streamIncoming: {
    ...RouterServiceService.streamIncoming,
    responseSerialize: serializeStreamItem,
    requestDeserialize: tolerantDeserialize(StreamRequest, "sw4rm.router.StreamRequest"),
  },
  ackDelivery: {
    ...RouterServiceService.ackDelivery,
    requestDeserialize: tolerantDeserialize(DeliveryAckRequest, "sw4rm.router.DeliveryAckRequest"),
  },
} as const;

/** INVALID_ARGUMENT for a request whose bytes did not decode (malformed input is the caller's error). */
function undecodable(request: object) {
  const why = undecodableReason(request);
  return why === undefined ? undefined : new Sw4rmError(ErrorCode.VALIDATION_ERROR, why).toServiceError();
}

export function createGrpcHandlers(core: GrpcCore): RouterServiceServer {
  return {
    sendMessage(call, callback) {
      const bad = undecodable(call.request);
      if (bad) return callback(bad);
      const msg = call.request.msg;
      if (!msg) {
        callback(validationError("msg", "SendMessageRequest.msg (the Envelope) is required").toServiceError());
        return;
      }
      const classValues = call.metadata.get(METADATA.communicationClass);
      const classText = classValues.length > 0 ? String(classValues[0]) : undefined;
      const lane = classText === undefined ? undefined : parseLane(classText);
      if (classText !== undefined && lane === undefined) {
        const text = `metadata ${METADATA.communicationClass}: must be PRIVILEGED, STANDARD or BULK (or 1..3), got "${classText}"`;
        callback(null, { accepted: false, reason: reason(ErrorCode.VALIDATION_ERROR, text) });
        return;
      }
      core.admission
        .submit(msg, { to: recipientsFrom(call.metadata), lane, rawEnvelope: rawEnvelopeOf(call.request) })
        .then(
          (r) => callback(null, { accepted: r.accepted, reason: r.reason }),
          (error: unknown) => {
            core.logger.error({ err: error, message_id: msg.messageId }, "SendMessage failed");
            // A store that cannot write (disk full, I/O error, read-only) refuses with OVERLOADED / RESOURCE_EXHAUSTED.
            callback((storageFailure(error, SEND_REFUSED) ?? Sw4rmError.from(error)).toServiceError());
          },
        );
    },

    streamIncoming(call) {
      const bad = undecodable(call.request);
      if (bad) return void call.emit("error", bad);
      const agentId = call.request.agentId.trim();
      if (agentId === "") {
        // grpc-js ends a server stream with an error status when 'error' is emitted with a ServiceError shape.
        call.emit(
          "error",
          validationError("agent_id", "is required (the agent whose queue to stream)").toServiceError(),
        );
        return;
      }
      core.openStream(agentId, call);
    },

    ackDelivery(call, callback) {
      const undecoded = undecodable(call.request);
      if (undecoded) return callback(undecoded);
      const { agentId, seq, messageId, outcome } = call.request;
      const bad =
        agentId.trim() === ""
          ? validationError("agent_id", "is required")
          : messageId === ""
            ? validationError("message_id", "is required")
            : seq <= 0n
              ? validationError("seq", `must be the seq of a delivered StreamItem (>= 1), got ${seq}`)
              : DeliveryAckOutcome[outcome] === undefined
                ? new Sw4rmError(ErrorCode.VALIDATION_ERROR, `outcome: unknown DeliveryAckOutcome ${outcome}`, {
                    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
                  })
                : undefined;
      if (bad) {
        callback(bad.toServiceError());
        return;
      }
      core.ack(agentId.trim(), seq, messageId, outcome).then(
        (recorded) => callback(null, { recorded }),
        (error: unknown) => callback((storageFailure(error, ACK_FAILED) ?? Sw4rmError.from(error)).toServiceError()),
      );
    },
  };
}
