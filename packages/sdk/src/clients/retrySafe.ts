/**
 * Calls the clients retry (with exponential backoff, on UNAVAILABLE / DEADLINE_EXCEEDED /
 * RESOURCE_EXHAUSTED / ABORTED only). Everything not listed runs exactly once unless a call passes
 * `{ retry: true }`. Reads, idempotent writes (heartbeat, deregister, ack delivery, unbind, cancel,
 * whole-value Set* of policies) and stateless evaluations are safe; creations and sends are not.
 */
export const RETRY_SAFE_METHODS = {
  registry: ["heartbeat", "deregisterAgent"],
  router: ["ackDelivery"],
  scheduler: ["pollActivityBuffer", "purgeActivity"],
  schedulerPolicy: [
    "setNegotiationPolicy",
    "getNegotiationPolicy",
    "setPolicyProfiles",
    "listPolicyProfiles",
    "getEffectivePolicy",
  ],
  hitl: [],
  worktree: ["unbind", "status"],
  tool: ["cancel"],
  connector: ["describeTools"],
  negotiation: ["abort"],
  negotiationRoom: ["getVotes", "getDecision", "waitForDecision"],
  reasoning: ["checkParallelism", "evaluateDebate", "summarize"],
  logging: [],
  activity: ["listArtifacts"],
  handoff: ["getPendingHandoffs", "cancelDelegation"],
  workflow: ["getWorkflowState"],
} as const;
