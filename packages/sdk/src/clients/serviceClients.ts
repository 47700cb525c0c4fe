import {
  AbortRequest,
  ActivityServiceClient,
  AppendArtifactRequest,
  BindRequest,
  CompleteHandoffRequest,
  ConnectorServiceClient,
  CounterProposal,
  CreateWorkflowRequest,
  DebateEvaluateRequest,
  Decision,
  DescribeToolsRequest,
  Evaluation,
  GetDecisionRequest,
  GetPendingHandoffsRequest,
  GetVotesRequest,
  GetWorkflowStateRequest,
  CancelDelegation as HandoffCancelDelegation,
  HandoffRequest,
  HandoffResponse,
  HandoffServiceClient,
  HitlInvocation,
  HitlServiceClient,
  ListArtifactsRequest,
  LogEvent,
  LoggingServiceClient,
  NegotiationOpen,
  NegotiationRoomServiceClient,
  NegotiationServiceClient,
  ParallelismCheckRequest,
  Proposal,
  ProviderRegisterRequest,
  ReasoningProxyClient,
  ResumeWorkflowRequest,
  StartWorkflowRequest,
  StatusRequest,
  SubmitProposalRequest,
  SubmitVoteRequest,
  SummarizeRequest,
  SwitchApprove,
  SwitchReject,
  SwitchRequest,
  ToolCall,
  ToolServiceClient,
  UnbindRequest,
  WaitForDecisionRequest,
  WorkflowServiceClient,
  WorktreeServiceClient,
} from "@sw4rm/protocol";
import type { Sw4rmClientOptions } from "../transport/options.js";
import { ServiceClient } from "../transport/serviceClient.js";

// Thin typed clients. The third argument of `unary` marks calls that are safe to retry (reads and
// idempotent operations); everything else runs exactly once. The list is RETRY_SAFE_METHODS.

/** HitlService (localhost:50054). */
export class HitlClient extends ServiceClient<HitlServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("hitl", HitlServiceClient, options);
  }
  readonly decide = this.unary("decide", HitlInvocation, false);
}

/** WorktreeService (localhost:50055). */
export class WorktreeClient extends ServiceClient<WorktreeServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("worktree", WorktreeServiceClient, options);
  }
  readonly bind = this.unary("bind", BindRequest, false);
  readonly unbind = this.unary("unbind", UnbindRequest, true);
  readonly requestSwitch = this.unary("requestSwitch", SwitchRequest, false);
  readonly approveSwitch = this.unary("approveSwitch", SwitchApprove, false);
  readonly rejectSwitch = this.unary("rejectSwitch", SwitchReject, false);
  readonly status = this.unary("status", StatusRequest, true);
}

/** ToolService (localhost:50056). */
export class ToolClient extends ServiceClient<ToolServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("tool", ToolServiceClient, options);
  }
  readonly call = this.unary("call", ToolCall, false);
  readonly callStream = this.stream("callStream", ToolCall);
  readonly cancel = this.unary("cancel", ToolCall, true);
}

/** ConnectorService (localhost:50057). */
export class ConnectorClient extends ServiceClient<ConnectorServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("connector", ConnectorServiceClient, options);
  }
  readonly registerProvider = this.unary("registerProvider", ProviderRegisterRequest, false);
  readonly describeTools = this.unary("describeTools", DescribeToolsRequest, true);
}

/** NegotiationService (localhost:50058). */
export class NegotiationClient extends ServiceClient<NegotiationServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("negotiation", NegotiationServiceClient, options);
  }
  readonly open = this.unary("open", NegotiationOpen, false);
  readonly propose = this.unary("propose", Proposal, false);
  readonly counter = this.unary("counter", CounterProposal, false);
  readonly evaluate = this.unary("evaluate", Evaluation, false);
  readonly decide = this.unary("decide", Decision, false);
  readonly abort = this.unary("abort", AbortRequest, true);
}

/** NegotiationRoomService (coordination port 50061). */
export class NegotiationRoomClient extends ServiceClient<NegotiationRoomServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("negotiationRoom", NegotiationRoomServiceClient, options);
  }
  readonly submitProposal = this.unary("submitProposal", SubmitProposalRequest, false);
  readonly submitVote = this.unary("submitVote", SubmitVoteRequest, false);
  readonly getVotes = this.unary("getVotes", GetVotesRequest, true);
  readonly getDecision = this.unary("getDecision", GetDecisionRequest, true);
  readonly waitForDecision = this.unary("waitForDecision", WaitForDecisionRequest, true);
}

/** ReasoningProxy (localhost:50059). Pure evaluations without server state: retry-safe. */
export class ReasoningClient extends ServiceClient<ReasoningProxyClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("reasoning", ReasoningProxyClient, options);
  }
  readonly checkParallelism = this.unary("checkParallelism", ParallelismCheckRequest, true);
  readonly evaluateDebate = this.unary("evaluateDebate", DebateEvaluateRequest, true);
  readonly summarize = this.unary("summarize", SummarizeRequest, true);
}

/** LoggingService (localhost:50060). */
export class LoggingClient extends ServiceClient<LoggingServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("logging", LoggingServiceClient, options);
  }
  readonly ingest = this.unary("ingest", LogEvent, false);
}

/** ActivityService (localhost:50062). */
export class ActivityClient extends ServiceClient<ActivityServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("activity", ActivityServiceClient, options);
  }
  readonly appendArtifact = this.unary("appendArtifact", AppendArtifactRequest, false);
  readonly listArtifacts = this.unary("listArtifacts", ListArtifactsRequest, true);
}

/** HandoffService (coordination port 50061). */
export class HandoffClient extends ServiceClient<HandoffServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("handoff", HandoffServiceClient, options);
  }
  readonly requestHandoff = this.unary("requestHandoff", HandoffRequest, false);
  readonly acceptHandoff = this.unary("acceptHandoff", HandoffResponse, false);
  readonly rejectHandoff = this.unary("rejectHandoff", HandoffResponse, false);
  readonly getPendingHandoffs = this.unary("getPendingHandoffs", GetPendingHandoffsRequest, true);
  readonly completeHandoff = this.unary("completeHandoff", CompleteHandoffRequest, false);
  readonly cancelDelegation = this.unary("cancelDelegation", HandoffCancelDelegation, true);
}

/** WorkflowService (coordination port 50061). */
export class WorkflowClient extends ServiceClient<WorkflowServiceClient> {
  constructor(options: Sw4rmClientOptions = {}) {
    super("workflow", WorkflowServiceClient, options);
  }
  readonly createWorkflow = this.unary("createWorkflow", CreateWorkflowRequest, false);
  readonly startWorkflow = this.unary("startWorkflow", StartWorkflowRequest, false);
  readonly getWorkflowState = this.unary("getWorkflowState", GetWorkflowStateRequest, true);
  readonly resumeWorkflow = this.unary("resumeWorkflow", ResumeWorkflowRequest, false);
}
