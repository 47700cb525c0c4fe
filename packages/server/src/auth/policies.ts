/**
 * The authorization table of the services `sw4rm up` serves (keyed by gRPC method path). Methods
 * not listed here, including services added later (e.g. the router's streaming session), need an
 * authenticated caller; such services check identities inside their messages with the CallGuard.
 * grpc.health.v1 is served outside these bindings and stays open.
 *
 * | Method                              | Who may call                                  |
 * |-------------------------------------|-----------------------------------------------|
 * | RouterService/SendMessage           | msg.producer_id is the caller, or an admin    |
 * | RouterService/StreamIncoming        | agent_id is the caller, or an admin           |
 * | RouterService/AckDelivery           | agent_id is the caller, or an admin           |
 * | RegistryService/RegisterAgent       | agent.agent_id is the caller, or an admin     |
 * | RegistryService/Heartbeat           | agent_id is the caller, or an admin           |
 * | RegistryService/DeregisterAgent     | agent_id is the caller, or an admin           |
 * | SchedulerService/SubmitTask         | any authenticated caller                      |
 * | SchedulerService/RequestPreemption  | agent_id is the caller, or an admin           |
 * | SchedulerService/ShutdownAgent      | agent_id is the caller, or an admin           |
 * | SchedulerService/PollActivityBuffer | agent_id is the caller, or an admin           |
 * | SchedulerService/PurgeActivity      | agent_id is the caller, or an admin           |
 * | any other method                    | any authenticated caller                      |
 */
import {
  type DeliveryAckRequest,
  type DeregisterAgentRequest,
  type HeartbeatRequest,
  type PollActivityBufferRequest,
  type PreemptRequest,
  type PurgeActivityRequest,
  type RegisterAgentRequest,
  RegistryServiceService,
  RouterServiceService,
  SchedulerServiceService,
  type SendMessageRequest,
  type ShutdownAgentRequest,
  type StreamRequest,
} from "@sw4rm/protocol";
import { AUTHENTICATED_POLICY, type MethodPolicy, selfOnly } from "./policy.js";

const AS_ITSELF = "an agent acts only as itself";

export const CANONICAL_POLICIES: Readonly<Record<string, MethodPolicy>> = {
  [RouterServiceService.sendMessage.path]: selfOnly<SendMessageRequest>(
    "msg.producer_id",
    "an agent sends only as itself",
    (r) => r.msg?.producerId,
  ),
  [RouterServiceService.streamIncoming.path]: selfOnly<StreamRequest>(
    "agent_id",
    "an agent streams only its own inbox",
    (r) => r.agentId,
  ),
  [RouterServiceService.ackDelivery.path]: selfOnly<DeliveryAckRequest>(
    "agent_id",
    "an agent acknowledges only its own deliveries",
    (r) => r.agentId,
  ),
  [RegistryServiceService.registerAgent.path]: selfOnly<RegisterAgentRequest>(
    "agent.agent_id",
    "an agent registers only itself",
    (r) => r.agent?.agentId,
  ),
  [RegistryServiceService.heartbeat.path]: selfOnly<HeartbeatRequest>(
    "agent_id",
    "an agent heartbeats only for itself",
    (r) => r.agentId,
  ),
  [RegistryServiceService.deregisterAgent.path]: selfOnly<DeregisterAgentRequest>(
    "agent_id",
    "an agent deregisters only itself",
    (r) => r.agentId,
  ),
  [SchedulerServiceService.submitTask.path]: AUTHENTICATED_POLICY,
  [SchedulerServiceService.requestPreemption.path]: selfOnly<PreemptRequest>("agent_id", AS_ITSELF, (r) => r.agentId),
  [SchedulerServiceService.shutdownAgent.path]: selfOnly<ShutdownAgentRequest>("agent_id", AS_ITSELF, (r) => r.agentId),
  [SchedulerServiceService.pollActivityBuffer.path]: selfOnly<PollActivityBufferRequest>(
    "agent_id",
    AS_ITSELF,
    (r) => r.agentId,
  ),
  [SchedulerServiceService.purgeActivity.path]: selfOnly<PurgeActivityRequest>("agent_id", AS_ITSELF, (r) => r.agentId),
};

/** The policy of a method path: its table entry, else authenticated (never open by omission). */
export function policyFor(path: string, table: Readonly<Record<string, MethodPolicy>> = CANONICAL_POLICIES): MethodPolicy {
  return table[path] ?? AUTHENTICATED_POLICY;
}
