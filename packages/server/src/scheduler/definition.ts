/**
 * SchedulerService as it should be registered: the generated definition with request deserializers
 * that never throw, plus handlers that answer an undecodable request with INVALID_ARGUMENT naming the
 * problem. (With the plain definition grpc-js answers INTERNAL "Error deserializing request", which
 * reads as a server bug although the caller sent malformed bytes.)
 */
import type { handleUnaryCall } from "@grpc/grpc-js";
import {
  ErrorCode,
  PollActivityBufferRequest,
  PreemptRequest,
  PurgeActivityRequest,
  type SchedulerServiceServer,
  SchedulerServiceService,
  ShutdownAgentRequest,
  SubmitTaskRequest,
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

const S = SchedulerServiceService;

export const schedulerServiceDefinition = {
  ...S,
  submitTask: { ...S.submitTask, requestDeserialize: tolerant(SubmitTaskRequest, "sw4rm.scheduler.SubmitTaskRequest") },
  requestPreemption: {
    ...S.requestPreemption,
    requestDeserialize: tolerant(PreemptRequest, "sw4rm.scheduler.PreemptRequest"),
  },
  shutdownAgent: {
    ...S.shutdownAgent,
    requestDeserialize: tolerant(ShutdownAgentRequest, "sw4rm.scheduler.ShutdownAgentRequest"),
  },
  pollActivityBuffer: {
    ...S.pollActivityBuffer,
    requestDeserialize: tolerant(PollActivityBufferRequest, "sw4rm.scheduler.PollActivityBufferRequest"),
  },
  purgeActivity: {
    ...S.purgeActivity,
    requestDeserialize: tolerant(PurgeActivityRequest, "sw4rm.scheduler.PurgeActivityRequest"),
  },
} as const;

function guard<Req extends object, Res>(handler: handleUnaryCall<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const why = UNDECODABLE.get(call.request);
    if (why === undefined) handler(call, callback);
    else callback(new Sw4rmError(ErrorCode.VALIDATION_ERROR, why).toServiceError());
  };
}

/** The handlers, answering INVALID_ARGUMENT first when `schedulerServiceDefinition` could not decode the request. */
export function rejectUndecodable(impl: SchedulerServiceServer): SchedulerServiceServer {
  return {
    ...impl,
    submitTask: guard(impl.submitTask),
    requestPreemption: guard(impl.requestPreemption),
    shutdownAgent: guard(impl.shutdownAgent),
    pollActivityBuffer: guard(impl.pollActivityBuffer),
    purgeActivity: guard(impl.purgeActivity),
  };
}
