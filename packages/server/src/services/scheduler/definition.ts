/**
 * SchedulerService as it should be registered: the generated definition with request deserializers
 * that never throw, plus handlers that answer an undecodable request with INVALID_ARGUMENT naming the
 * problem. (With the plain definition grpc-js answers INTERNAL "Error deserializing request", which
 * reads as a server bug although the caller sent malformed bytes.)
 */
import {
  PollActivityBufferRequest,
  PreemptRequest,
  PurgeActivityRequest,
  type SchedulerServiceServer,
  SchedulerServiceService,
  ShutdownAgentRequest,
  SubmitTaskRequest,
} from "@sw4rm/protocol";
import { rejectUndecodable as guard, tolerantDeserialize } from "../../grpc/undecodable.js";


const S = SchedulerServiceService;

export const schedulerServiceDefinition = {
  ...S,
  submitTask: { ...S.submitTask, requestDeserialize: tolerantDeserialize(SubmitTaskRequest, "sw4rm.scheduler.SubmitTaskRequest") },
  requestPreemption: {
    ...S.requestPreemption,
    requestDeserialize: tolerantDeserialize(PreemptRequest, "sw4rm.scheduler.PreemptRequest"),
  },
  shutdownAgent: {
    ...S.shutdownAgent,
    requestDeserialize: tolerantDeserialize(ShutdownAgentRequest, "sw4rm.scheduler.ShutdownAgentRequest"),
  },
  pollActivityBuffer: {
    ...S.pollActivityBuffer,
    requestDeserialize: tolerantDeserialize(PollActivityBufferRequest, "sw4rm.scheduler.PollActivityBufferRequest"),
  },
  purgeActivity: {
    ...S.purgeActivity,
    requestDeserialize: tolerantDeserialize(PurgeActivityRequest, "sw4rm.scheduler.PurgeActivityRequest"),
  },
} as const;


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
