// Public API of @sw4rm/sdk (named exports only).

export type { AckEvent, AckLifecycleOptions, SendWithAckOptions } from "./ack/ackLifecycleManager.js";
export { AckLifecycleManager } from "./ack/ackLifecycleManager.js";
export type { ActivityBufferOptions, ActivityDirection, ActivityRecord } from "./activity/activityBuffer.js";
export { dedupKeyOf, PersistentActivityBuffer } from "./activity/activityBuffer.js";
export type { AgentOptions } from "./agent/agent.js";
export { Agent } from "./agent/agent.js";
export type { MessageHandler, MessageProcessorOptions, ProcessOutcome } from "./agent/messageProcessor.js";
export { MessageProcessor, noteOf, outcomeOfError } from "./agent/messageProcessor.js";
export type { ActivityStore, RegistryPort, RouterPort } from "./agent/ports.js";
export { ReceivedMessage } from "./agent/receivedMessage.js";
export type { ControlCommand, TaskContext, TaskHandler } from "./agent/taskRunner.js";
export { parseControlCommand, TaskPreempted, TaskRunner } from "./agent/taskRunner.js";
export { RegistryClient } from "./clients/registryClient.js";
export { RETRY_SAFE_METHODS } from "./clients/retrySafe.js";
export type {
  DeliveredItem,
  IncomingOptions,
  RouterClientOptions,
  SendOptions,
  SendResult,
} from "./clients/routerClient.js";
export { RouterClient } from "./clients/routerClient.js";
export type { SessionDelivery, SessionOpenOptions, SessionSendOptions } from "./clients/routerSession.js";
export { RouterSession } from "./clients/routerSession.js";
export { SchedulerClient, SchedulerPolicyClient } from "./clients/schedulerClients.js";
export {
  ActivityClient,
  ConnectorClient,
  HandoffClient,
  HitlClient,
  LoggingClient,
  NegotiationClient,
  NegotiationRoomClient,
  ReasoningClient,
  ToolClient,
  WorkflowClient,
  WorktreeClient,
} from "./clients/serviceClients.js";
export type { Logger } from "./logger.js";
export { consoleLogger, silentLogger } from "./logger.js";
export type { JsonFileStoreOptions } from "./storage/jsonFileStore.js";
export { JsonFileStore } from "./storage/jsonFileStore.js";
export type { RecordStore } from "./storage/recordStore.js";
export { MemoryStore } from "./storage/recordStore.js";
export type { SqliteStoreOptions } from "./storage/sqliteStore.js";
export { SqliteStore } from "./storage/sqliteStore.js";
export { buildMetadata } from "./transport/metadata.js";
export type { CallOptions, Sw4rmClientOptions, TlsOptions } from "./transport/options.js";
export { AUTHORIZATION_METADATA, buildCredentials, clientMetadata, resolveClientConfig } from "./transport/options.js";
export type { RetryPolicy } from "./transport/retry.js";
export { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableError, withRetry } from "./transport/retry.js";
export type { StreamContext, StreamInvoker } from "./transport/serverStream.js";
export { serverStream } from "./transport/serverStream.js";
export type { StreamMethod, UnaryMethod } from "./transport/serviceClient.js";
export { ServiceClient } from "./transport/serviceClient.js";
export type { UnaryContext, UnaryInvoker } from "./transport/unary.js";
export { unary } from "./transport/unary.js";
export type {
  SwitchRequestInfo,
  WorktreePolicy,
  WorktreeRef,
  WorktreeSnapshot,
  WorktreeStateOptions,
} from "./worktree/persistentWorktreeState.js";
export { PersistentWorktreeState } from "./worktree/persistentWorktreeState.js";
