import {
  GetEffectivePolicyRequest,
  GetNegotiationPolicyRequest,
  SchedulerServiceClient as Grpc,
  HitlActionRequest,
  ListPolicyProfilesRequest,
  SchedulerPolicyServiceClient as PolicyGrpc,
  PollActivityBufferRequest,
  PreemptRequest,
  PurgeActivityRequest,
  SetNegotiationPolicyRequest,
  SetPolicyProfilesRequest,
  ShutdownAgentRequest,
  SubmitEvaluationRequest,
  SubmitTaskRequest,
} from "@sw4rm/protocol";
import type { Sw4rmClientOptions } from "../transport/options.js";
import { ServiceClient } from "../transport/serviceClient.js";

/** SchedulerService (default localhost:50053, SW4RM_SCHEDULER_ADDR). */
export class SchedulerClient extends ServiceClient<Grpc> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("scheduler", Grpc, options);
  }
  readonly submitTask = this.unary("submitTask", SubmitTaskRequest, false);
  readonly requestPreemption = this.unary("requestPreemption", PreemptRequest, false);
  readonly shutdownAgent = this.unary("shutdownAgent", ShutdownAgentRequest, false);
  readonly pollActivityBuffer = this.unary("pollActivityBuffer", PollActivityBufferRequest, true);
  readonly purgeActivity = this.unary("purgeActivity", PurgeActivityRequest, true);
}

/** SchedulerPolicyService (beside the scheduler; SW4RM_SCHEDULER_POLICY_ADDR). Set* replace whole values, so they are retry-safe. */
export class SchedulerPolicyClient extends ServiceClient<PolicyGrpc> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("schedulerPolicy", PolicyGrpc, options);
  }
  readonly setNegotiationPolicy = this.unary("setNegotiationPolicy", SetNegotiationPolicyRequest, true);
  readonly getNegotiationPolicy = this.unary("getNegotiationPolicy", GetNegotiationPolicyRequest, true);
  readonly setPolicyProfiles = this.unary("setPolicyProfiles", SetPolicyProfilesRequest, true);
  readonly listPolicyProfiles = this.unary("listPolicyProfiles", ListPolicyProfilesRequest, true);
  readonly getEffectivePolicy = this.unary("getEffectivePolicy", GetEffectivePolicyRequest, true);
  readonly submitEvaluation = this.unary("submitEvaluation", SubmitEvaluationRequest, false);
  readonly hitlAction = this.unary("hitlAction", HitlActionRequest, false);
}
