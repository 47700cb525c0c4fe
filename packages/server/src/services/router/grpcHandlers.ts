/** grpc-js handlers of sw4rm.router.RouterService (doc §2.3) over the router core. */

import type { Metadata } from "@grpc/grpc-js";
import {
  DeliveryAckOutcome,
  ErrorCode,
  GrpcStatus,
  METADATA,
  RouterServiceService,
  Sw4rmError,
  validationError,
} from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import { raw, type ServiceHandlers } from "../../grpc/handlers.js";
import type { Admission } from "./admission.js";
import type { StreamCall } from "./deliverySink.js";
import { parseLane, reason } from "./reasons.js";
import { serializeStreamItem } from "./streamItemWire.js";
import { captureRawDeserialize, rawEnvelopeOf } from "./wire.js";

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
 * the envelope bytes exactly as received (stored and redelivered verbatim) and the StreamIncoming
 * serializer that writes stored envelope bytes without re-encoding them.
 */
export const routerServiceDefinition = {
  ...RouterServiceService,
  sendMessage: { ...RouterServiceService.sendMessage, requestDeserialize: captureRawDeserialize },
  streamIncoming: { ...RouterServiceService.streamIncoming, responseSerialize: serializeStreamItem },
} as const;

export function createGrpcHandlers(core: GrpcCore): ServiceHandlers<typeof routerServiceDefinition> {
  return {
    async sendMessage(request, ctx) {
      const msg = request.msg;
      if (!msg) throw validationError("msg", "SendMessageRequest.msg (the Envelope) is required");
      const classValues = ctx.metadata.get(METADATA.communicationClass);
      const classText = classValues.length > 0 ? String(classValues[0]) : undefined;
      const lane = classText === undefined ? undefined : parseLane(classText);
      if (classText !== undefined && lane === undefined) {
        const text = `metadata ${METADATA.communicationClass}: must be PRIVILEGED, STANDARD or BULK (or 1..3), got "${classText}"`;
        return { accepted: false, reason: reason(ErrorCode.VALIDATION_ERROR, text) };
      }
      const r = await core.admission.submit(msg, {
        to: recipientsFrom(ctx.metadata),
        lane,
        rawEnvelope: rawEnvelopeOf(request),
      });
      return { accepted: r.accepted, reason: r.reason };
    },

    // Raw: the delivery session runs its own flow control on the grpc-js stream.
    streamIncoming: raw((call) => {
      const agentId = call.request.agentId.trim();
      if (agentId === "") {
        // grpc-js ends a server stream with an error status when 'error' is emitted with a ServiceError shape.
        call.emit("error", validationError("agent_id", "is required (the agent whose queue to stream)").toServiceError());
        return;
      }
      core.openStream(agentId, call);
    }),

    async ackDelivery({ agentId, seq, messageId, outcome }) {
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
      if (bad) throw bad;
      return { recorded: await core.ack(agentId.trim(), seq, messageId, outcome) };
    },
  };
}
