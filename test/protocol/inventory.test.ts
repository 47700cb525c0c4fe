// Wire inventory of the generated protocol package, checked against SW4RM-PROTOCOL.md Part 2
// ("Proto packages (exhaustive)"). The EXPECTED_* tables below are the only hand-written copies;
// the "actual" side is always read from the generated code (embedded descriptors and *Service constants).
import * as protocol from "@sw4rm/protocol";
import { describe, expect, test } from "vitest";
import { enumsByName, fieldRows, fileDescriptors, messagesByName } from "./support/descriptors.js";

type Kind = "unary" | "server-stream" | "client-stream" | "bidi";

// ---------------------------------------------------------------------------------------------
// Expected: fact sheet §2 service/RPC master table (rows 1–57), in the sheet's order.
// Request/response names without a dot are in the service's own package.
// ---------------------------------------------------------------------------------------------
type RpcSpec = [method: string, request: string, response: string, kind?: Kind];

function service(fqn: string, rpcs: RpcSpec[]): string[] {
  const pkg = fqn.slice(0, fqn.lastIndexOf("."));
  const q = (t: string): string => (t.includes(".") ? t : `${pkg}.${t}`);
  return rpcs.map(([m, req, res, kind = "unary"]) => `/${fqn}/${m} ${q(req)} -> ${q(res)} ${kind}`);
}

const EMPTY = "sw4rm.common.Empty";

const EXPECTED_RPCS: string[] = [
  ...service("sw4rm.registry.RegistryService", [
    ["RegisterAgent", "RegisterAgentRequest", "RegisterAgentResponse"],
    ["Heartbeat", "HeartbeatRequest", "HeartbeatResponse"],
    ["DeregisterAgent", "DeregisterAgentRequest", "DeregisterAgentResponse"],
  ]),
  ...service("sw4rm.router.RouterService", [
    ["SendMessage", "SendMessageRequest", "SendMessageResponse"],
    ["StreamIncoming", "StreamRequest", "StreamItem", "server-stream"],
    ["AckDelivery", "DeliveryAckRequest", "DeliveryAckResponse"],
  ]),
  ...service("sw4rm.scheduler.SchedulerService", [
    ["SubmitTask", "SubmitTaskRequest", "SubmitTaskResponse"],
    ["RequestPreemption", "PreemptRequest", "PreemptResponse"],
    ["ShutdownAgent", "ShutdownAgentRequest", "ShutdownAgentResponse"],
    ["PollActivityBuffer", "PollActivityBufferRequest", "PollActivityBufferResponse"],
    ["PurgeActivity", "PurgeActivityRequest", "PurgeActivityResponse"],
  ]),
  ...service("sw4rm.scheduler.SchedulerPolicyService", [
    ["SetNegotiationPolicy", "SetNegotiationPolicyRequest", "SetNegotiationPolicyResponse"],
    ["GetNegotiationPolicy", "GetNegotiationPolicyRequest", "GetNegotiationPolicyResponse"],
    ["SetPolicyProfiles", "SetPolicyProfilesRequest", "SetPolicyProfilesResponse"],
    ["ListPolicyProfiles", "ListPolicyProfilesRequest", "ListPolicyProfilesResponse"],
    ["GetEffectivePolicy", "GetEffectivePolicyRequest", "GetEffectivePolicyResponse"],
    ["SubmitEvaluation", "SubmitEvaluationRequest", "SubmitEvaluationResponse"],
    ["HitlAction", "HitlActionRequest", "HitlActionResponse"],
  ]),
  ...service("sw4rm.hitl.HitlService", [["Decide", "HitlInvocation", "HitlDecision"]]),
  ...service("sw4rm.worktree.WorktreeService", [
    ["Bind", "BindRequest", "BindResponse"],
    ["Unbind", "UnbindRequest", "UnbindResponse"],
    ["RequestSwitch", "SwitchRequest", "StatusResponse"],
    ["ApproveSwitch", "SwitchApprove", "StatusResponse"],
    ["RejectSwitch", "SwitchReject", "StatusResponse"],
    ["Status", "StatusRequest", "StatusResponse"],
  ]),
  ...service("sw4rm.tool.ToolService", [
    ["Call", "ToolCall", "ToolFrame"],
    ["CallStream", "ToolCall", "ToolFrame", "server-stream"],
    ["Cancel", "ToolCall", "ToolError"],
  ]),
  ...service("sw4rm.connector.ConnectorService", [
    ["RegisterProvider", "ProviderRegisterRequest", "ProviderRegisterResponse"],
    ["DescribeTools", "DescribeToolsRequest", "DescribeToolsResponse"],
  ]),
  ...service("sw4rm.negotiation.NegotiationService", [
    ["Open", "NegotiationOpen", EMPTY],
    ["Propose", "Proposal", EMPTY],
    ["Counter", "CounterProposal", EMPTY],
    ["Evaluate", "Evaluation", EMPTY],
    ["Decide", "Decision", EMPTY],
    ["Abort", "AbortRequest", EMPTY],
  ]),
  ...service("sw4rm.negotiation_room.NegotiationRoomService", [
    ["SubmitProposal", "SubmitProposalRequest", "SubmitProposalResponse"],
    ["SubmitVote", "SubmitVoteRequest", "SubmitVoteResponse"],
    ["GetVotes", "GetVotesRequest", "GetVotesResponse"],
    ["GetDecision", "GetDecisionRequest", "GetDecisionResponse"],
    ["WaitForDecision", "WaitForDecisionRequest", "WaitForDecisionResponse"],
  ]),
  ...service("sw4rm.reasoning.ReasoningProxy", [
    ["CheckParallelism", "ParallelismCheckRequest", "ParallelismCheckResponse"],
    ["EvaluateDebate", "DebateEvaluateRequest", "DebateEvaluateResponse"],
    ["Summarize", "SummarizeRequest", "SummarizeResponse"],
  ]),
  ...service("sw4rm.logging.LoggingService", [["Ingest", "LogEvent", "IngestResponse"]]),
  ...service("sw4rm.activity.ActivityService", [
    ["AppendArtifact", "AppendArtifactRequest", "AppendArtifactResponse"],
    ["ListArtifacts", "ListArtifactsRequest", "ListArtifactsResponse"],
  ]),
  ...service("sw4rm.handoff.HandoffService", [
    ["RequestHandoff", "HandoffRequest", EMPTY],
    ["AcceptHandoff", "HandoffResponse", EMPTY],
    ["RejectHandoff", "HandoffResponse", EMPTY],
    ["GetPendingHandoffs", "GetPendingHandoffsRequest", "GetPendingHandoffsResponse"],
    ["CompleteHandoff", "CompleteHandoffRequest", "CompleteHandoffResponse"],
    ["CancelDelegation", "CancelDelegation", "CancelDelegationResponse"],
  ]),
  ...service("sw4rm.workflow.WorkflowService", [
    ["CreateWorkflow", "CreateWorkflowRequest", "CreateWorkflowResponse"],
    ["StartWorkflow", "StartWorkflowRequest", "StartWorkflowResponse"],
    ["GetWorkflowState", "GetWorkflowStateRequest", "GetWorkflowStateResponse"],
    ["ResumeWorkflow", "ResumeWorkflowRequest", "ResumeWorkflowResponse"],
  ]),
];

// ---------------------------------------------------------------------------------------------
// Actual: built from the generated descriptors.
// ---------------------------------------------------------------------------------------------
interface ActualRpc {
  service: string; // fully-qualified service name
  path: string;
  request: string;
  response: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
}

function kindOf(clientStreaming: boolean, serverStreaming: boolean): Kind {
  if (clientStreaming && serverStreaming) return "bidi";
  if (clientStreaming) return "client-stream";
  if (serverStreaming) return "server-stream";
  return "unary";
}

const actualRpcs: ActualRpc[] = fileDescriptors.flatMap((file) =>
  file.service.flatMap((svc) =>
    svc.method.map((m) => ({
      service: `${file.package}.${svc.name}`,
      path: `/${file.package}.${svc.name}/${m.name}`,
      request: m.inputType.replace(/^\./, ""),
      response: m.outputType.replace(/^\./, ""),
      clientStreaming: m.clientStreaming,
      serverStreaming: m.serverStreaming,
    })),
  ),
);
const actualRows = actualRpcs.map(
  (r) => `${r.path} ${r.request} -> ${r.response} ${kindOf(r.clientStreaming, r.serverStreaming)}`,
);

describe("service/RPC inventory (fact sheet §2 master table)", () => {
  test("the expected table itself has 57 distinct rows", () => {
    expect(EXPECTED_RPCS).toHaveLength(57);
    expect(new Set(EXPECTED_RPCS.map((r) => r.split(" ")[0])).size).toBe(57);
  });

  test("generated descriptors list exactly the 57 RPCs of the master table", () => {
    expect([...actualRows].sort()).toEqual([...EXPECTED_RPCS].sort());
  });

  test("15 services, 57 RPCs, 2 server-streaming, no client-streaming", () => {
    expect(new Set(actualRpcs.map((r) => r.service)).size).toBe(15);
    expect(actualRpcs).toHaveLength(57);
    expect(actualRpcs.filter((r) => r.serverStreaming).map((r) => r.path)).toEqual([
      "/sw4rm.router.RouterService/StreamIncoming",
      "/sw4rm.tool.ToolService/CallStream",
    ]);
    expect(actualRpcs.filter((r) => r.clientStreaming)).toEqual([]);
  });

  test("every request/response type exists as a generated message descriptor", () => {
    const messages = messagesByName();
    const missing = actualRpcs.flatMap((r) => [r.request, r.response]).filter((t) => !messages.has(t));
    expect(missing).toEqual([]);
  });

  test("each generated *Service constant agrees with the descriptors (path, stream flags)", () => {
    const exported = protocol as unknown as Record<string, unknown>;
    const fromConstants: string[] = [];
    const serviceNames = [...new Set(actualRpcs.map((r) => r.service))];
    for (const fqn of serviceNames) {
      const name = fqn.slice(fqn.lastIndexOf(".") + 1);
      const def = exported[`${name}Service`];
      expect(def, `${name}Service export`).toBeTypeOf("object");
      for (const method of Object.values(def as Record<string, unknown>)) {
        const m = method as { path: unknown; requestStream: unknown; responseStream: unknown };
        expect(typeof m.path).toBe("string");
        expect(typeof m.requestStream).toBe("boolean");
        expect(typeof m.responseStream).toBe("boolean");
        fromConstants.push(`${String(m.path)} client=${String(m.requestStream)} server=${String(m.responseStream)}`);
      }
    }
    const fromDescriptors = actualRpcs.map((r) => `${r.path} client=${r.clientStreaming} server=${r.serverStreaming}`);
    expect(fromConstants.sort()).toEqual(fromDescriptors.sort());
  });

  test("no other exported *Service constants than the 15 described services", () => {
    const exported = protocol as unknown as Record<string, unknown>;
    const looksLikeServiceDef = (v: unknown): boolean =>
      typeof v === "object" &&
      v !== null &&
      Object.values(v).length > 0 &&
      Object.values(v).every((m) => typeof m === "object" && m !== null && "path" in m && "responseStream" in m);
    const defs = Object.keys(exported)
      .filter((k) => k.endsWith("Service") && looksLikeServiceDef(exported[k]))
      .sort();
    const expected = [...new Set(actualRpcs.map((r) => `${r.service.slice(r.service.lastIndexOf(".") + 1)}Service`))];
    expect(defs).toEqual(expected.sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Files and packages (fact sheet §2.1–§2.17 headings, incl. the imports they name).
// ---------------------------------------------------------------------------------------------
const TS = "google/protobuf/timestamp.proto";
const DUR = "google/protobuf/duration.proto";

const EXPECTED_FILES: Record<string, { package: string; imports: string[] }> = {
  "common.proto": { package: "sw4rm.common", imports: [TS] }, // Envelope.timestamp is a Timestamp
  "registry.proto": { package: "sw4rm.registry", imports: [TS, "common.proto"] },
  "router.proto": { package: "sw4rm.router", imports: ["common.proto"] },
  "scheduler.proto": { package: "sw4rm.scheduler", imports: [DUR, "common.proto"] },
  "scheduler_policy.proto": { package: "sw4rm.scheduler", imports: ["policy.proto"] },
  "policy.proto": { package: "sw4rm.policy", imports: [] },
  "hitl.proto": { package: "sw4rm.hitl", imports: ["common.proto"] },
  "worktree.proto": { package: "sw4rm.worktree", imports: [] },
  "tool.proto": { package: "sw4rm.tool", imports: [DUR] },
  "connector.proto": { package: "sw4rm.connector", imports: [] },
  "negotiation.proto": { package: "sw4rm.negotiation", imports: ["common.proto", DUR] },
  "negotiation_room.proto": { package: "sw4rm.negotiation_room", imports: [TS] },
  "reasoning.proto": { package: "sw4rm.reasoning", imports: [] },
  "logging.proto": { package: "sw4rm.logging", imports: [TS] },
  "activity.proto": { package: "sw4rm.activity", imports: [] },
  "handoff.proto": { package: "sw4rm.handoff", imports: ["common.proto", DUR] },
  "workflow.proto": { package: "sw4rm.workflow", imports: [TS] },
};

describe("proto files and packages", () => {
  test("17 files with the fact sheet's packages (scheduler_policy.proto is sw4rm.scheduler)", () => {
    const actual = Object.fromEntries(fileDescriptors.map((f) => [f.name, f.package]));
    const expected = Object.fromEntries(Object.entries(EXPECTED_FILES).map(([name, e]) => [name, e.package]));
    expect(fileDescriptors).toHaveLength(17);
    expect(actual).toEqual(expected);
    expect(actual["scheduler_policy.proto"]).toBe("sw4rm.scheduler");
  });

  test("imports match the fact sheet headings", () => {
    const actual = Object.fromEntries(fileDescriptors.map((f) => [f.name, [...f.dependency].sort()]));
    const expected = Object.fromEntries(
      Object.entries(EXPECTED_FILES).map(([name, e]) => [name, [...e.imports].sort()]),
    );
    expect(actual).toEqual(expected);
  });

  test("proto3 everywhere, no `optional` fields and no oneofs", () => {
    expect(fileDescriptors.map((f) => `${f.name} ${f.syntax}`)).toEqual(fileDescriptors.map((f) => `${f.name} proto3`));
    const offenders: string[] = [];
    for (const [fqn, msg] of messagesByName()) {
      if (msg.oneofDecl.length > 0) offenders.push(`${fqn} has oneof`);
      for (const f of msg.field) if (f.proto3Optional) offenders.push(`${fqn}.${f.name} is optional`);
    }
    expect(offenders).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Field tables (fact sheet §2.1 Envelope, §2.2 AgentDescriptor/HeartbeatRequest, §2.3 router,
// §2.16 HandoffRequest/HandoffResponse). Row format: "<number> <name> [repeated ]<type>".
// ---------------------------------------------------------------------------------------------
const EXPECTED_FIELDS: Record<string, string[]> = {
  "sw4rm.common.Envelope": [
    "1 message_id string",
    "2 idempotency_token string",
    "3 producer_id string",
    "4 correlation_id string",
    "5 sequence_number uint64",
    "6 retry_count uint32",
    "7 message_type enum sw4rm.common.MessageType",
    "8 content_type string",
    "9 content_length uint64",
    "10 repo_id string",
    "11 worktree_id string",
    "12 hlc_timestamp string",
    "13 ttl_ms uint64",
    "14 timestamp message google.protobuf.Timestamp",
    "15 payload bytes",
    "16 state enum sw4rm.common.EnvelopeState",
    "100 parent_correlation_id string",
  ],
  "sw4rm.router.StreamItem": ["1 msg message sw4rm.common.Envelope", "2 seq int64"],
  "sw4rm.router.DeliveryAckRequest": [
    "1 agent_id string",
    "2 seq int64",
    "3 message_id string",
    "4 outcome enum sw4rm.router.DeliveryAckOutcome",
  ],
  "sw4rm.registry.AgentDescriptor": [
    "1 agent_id string",
    "2 name string",
    "3 description string",
    "4 capabilities repeated string",
    "5 communication_class enum sw4rm.common.CommunicationClass",
    "6 modalities_supported repeated string",
    "7 reasoning_connectors repeated string",
    "8 public_key bytes",
    "100 registration_type enum sw4rm.registry.RegistrationType",
    "101 max_concurrent_delegations uint32",
  ],
  "sw4rm.registry.HeartbeatRequest": [
    "1 agent_id string",
    "2 state enum sw4rm.common.AgentState",
    "3 health map<string,string>",
  ],
  "sw4rm.handoff.HandoffRequest": [
    "1 request_id string",
    "2 from_agent string",
    "3 to_agent string",
    "4 reason string",
    "5 context_snapshot bytes",
    "6 capabilities_required repeated string",
    "7 priority int32",
    "8 timeout message google.protobuf.Duration",
    "100 budget message sw4rm.handoff.BudgetEnvelope",
    "101 delegation_policy message sw4rm.handoff.SwarmDelegationPolicy",
  ],
  "sw4rm.handoff.HandoffResponse": [
    "1 request_id string",
    "2 accepted bool",
    "3 accepting_agent string",
    "4 rejection_reason string",
    "100 rejection_code enum sw4rm.common.ErrorCode",
    "101 retry_after_ms uint64",
    "110 redirect_to_agent_id string",
  ],
  "sw4rm.workflow.WorkflowDefinition": [
    "1 workflow_id string",
    "2 nodes map<string,message sw4rm.workflow.WorkflowNode>",
    "3 created_at message google.protobuf.Timestamp",
    "4 metadata map<string,string>",
  ],
};

describe("field tables", () => {
  const messages = messagesByName();
  test.each(Object.keys(EXPECTED_FIELDS))("%s", (fqn) => {
    const msg = messages.get(fqn);
    expect(msg, fqn).toBeDefined();
    if (!msg) return;
    expect(fieldRows(msg, messages)).toEqual(EXPECTED_FIELDS[fqn]);
  });
});

// ---------------------------------------------------------------------------------------------
// Enum value lists (fact sheet §2.1, §2.2, §2.3, §2.12, §2.16, §2.17).
// ---------------------------------------------------------------------------------------------
function values(spec: string): string[] {
  return spec.split(",").map((s) => s.trim());
}

const EXPECTED_ENUMS: Record<string, string[]> = {
  "sw4rm.common.MessageType": values(
    "MESSAGE_TYPE_UNSPECIFIED=0, CONTROL=1, DATA=2, HEARTBEAT=3, NOTIFICATION=4, ACKNOWLEDGEMENT=5, HITL_INVOCATION=6, WORKTREE_CONTROL=7, NEGOTIATION=8, TOOL_CALL=9, TOOL_RESULT=10, TOOL_ERROR=11",
  ),
  "sw4rm.common.AckStage": values(
    "ACK_STAGE_UNSPECIFIED=0, RECEIVED=1, READ=2, FULFILLED=3, REJECTED=4, FAILED=5, TIMED_OUT=6",
  ),
  "sw4rm.common.ErrorCode": values(
    "ERROR_CODE_UNSPECIFIED=0, BUFFER_FULL=1, NO_ROUTE=2, ACK_TIMEOUT=3, AGENT_UNAVAILABLE=4, AGENT_SHUTDOWN=5, VALIDATION_ERROR=6, PERMISSION_DENIED=7, UNSUPPORTED_MESSAGE_TYPE=8, OVERSIZE_PAYLOAD=9, TOOL_TIMEOUT=10, PARTIAL_DELIVERY=11, FORCED_PREEMPTION=12, TTL_EXPIRED=13, DUPLICATE_DETECTED=14, ALREADY_IN_PROGRESS=15, OVERLOADED=16, REDIRECT=20, INTERNAL_ERROR=99",
  ),
  "sw4rm.common.AgentState": values(
    "AGENT_STATE_UNSPECIFIED=0, INITIALIZING=1, RUNNABLE=2, SCHEDULED=3, RUNNING=4, WAITING=5, WAITING_RESOURCES=6, SUSPENDED=7, RESUMED=8, COMPLETED=9, FAILED_STATE=10, SHUTTING_DOWN=11, RECOVERING=12",
  ),
  "sw4rm.common.CommunicationClass": values("COMM_CLASS_UNSPECIFIED=0, PRIVILEGED=1, STANDARD=2, BULK=3"),
  "sw4rm.common.DebateIntensity": values(
    "DEBATE_INTENSITY_UNSPECIFIED=0, LOWEST=1, LOW=2, MEDIUM=3, HIGH=4, HIGHEST=5",
  ),
  "sw4rm.common.HitlReasonType": values(
    "HITL_REASON_UNSPECIFIED=0, CONFLICT=1, SECURITY_APPROVAL=2, TASK_ESCALATION=3, MANUAL_OVERRIDE=4, WORKTREE_OVERRIDE=5, DEBATE_DEADLOCK=6, TOOL_PRIVILEGE_ESCALATION=7, CONNECTOR_APPROVAL=8",
  ),
  "sw4rm.common.EnvelopeState": values(
    "ENVELOPE_STATE_UNSPECIFIED=0, ENVELOPE_STATE_SENT=1, ENVELOPE_STATE_RECEIVED=2, ENVELOPE_STATE_READ=3, ENVELOPE_STATE_FULFILLED=4, ENVELOPE_STATE_REJECTED=5, ENVELOPE_STATE_FAILED=6, ENVELOPE_STATE_TIMED_OUT=7",
  ),
  "sw4rm.router.DeliveryAckOutcome": values(
    "DELIVERY_ACK_OUTCOME_DELIVERED=0, DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE=1",
  ),
  "sw4rm.registry.RegistrationType": values("REGISTRATION_TYPE_UNSPECIFIED=0, STANDARD_AGENT=1, SWARM_GATEWAY=2"),
  "sw4rm.handoff.HandoffStatus": values(
    "HANDOFF_STATUS_UNSPECIFIED=0, PENDING=1, ACCEPTED=2, REJECTED=3, COMPLETED=4, EXPIRED=5",
  ),
  "sw4rm.workflow.NodeStatus": values(
    "NODE_STATUS_UNSPECIFIED=0, PENDING=1, READY=2, RUNNING=3, COMPLETED=4, FAILED=5, SKIPPED=6",
  ),
  "sw4rm.workflow.TriggerType": values("TRIGGER_TYPE_UNSPECIFIED=0, EVENT=1, SCHEDULE=2, MANUAL=3, DEPENDENCY=4"),
  "sw4rm.negotiation_room.ArtifactType": values(
    "ARTIFACT_TYPE_UNSPECIFIED=0, REQUIREMENTS=1, PLAN=2, CODE=3, DEPLOYMENT=4",
  ),
  "sw4rm.negotiation_room.DecisionOutcome": values(
    "DECISION_OUTCOME_UNSPECIFIED=0, APPROVED=1, REVISION_REQUESTED=2, ESCALATED_TO_HITL=3",
  ),
};

describe("enum value lists", () => {
  const enums = enumsByName();
  test.each(Object.keys(EXPECTED_ENUMS))("%s", (fqn) => {
    expect(enums.get(fqn)).toEqual(EXPECTED_ENUMS[fqn]);
  });

  test("the fact sheet's enums are all the enums there are", () => {
    expect([...enums.keys()].sort()).toEqual(Object.keys(EXPECTED_ENUMS).sort());
  });

  test("generated TypeScript enums carry the descriptor numbers (spot checks incl. 14/15/16/20/99)", () => {
    const { ErrorCode, EnvelopeState, DeliveryAckOutcome, RegistrationType } = protocol;
    expect([
      ErrorCode.DUPLICATE_DETECTED,
      ErrorCode.ALREADY_IN_PROGRESS,
      ErrorCode.OVERLOADED,
      ErrorCode.REDIRECT,
      ErrorCode.INTERNAL_ERROR,
    ]).toEqual([14, 15, 16, 20, 99]);
    expect(EnvelopeState.ENVELOPE_STATE_TIMED_OUT).toBe(7);
    expect(DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE).toBe(1);
    expect(RegistrationType.SWARM_GATEWAY).toBe(2);
  });
});
