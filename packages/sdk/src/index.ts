// Public API of @sw4rm/sdk (named exports only). Transport plumbing lives in "@sw4rm/sdk/internal".

export type { AckEvent, AckLifecycleOptions, SendWithAckOptions } from "./ack/ackLifecycleManager.js";
export { AckLifecycleManager } from "./ack/ackLifecycleManager.js";
export type { ActivityBufferOptions, ActivityDirection, ActivityRecord } from "./activity/activityBuffer.js";
export { dedupKeyOf, PersistentActivityBuffer } from "./activity/activityBuffer.js";
export type { AgentOptions } from "./agent/agent.js";
export { Agent } from "./agent/agent.js";
export type { MessageHandler, MessageProcessorOptions, ProcessOutcome } from "./agent/messageProcessor.js";
export { MessageProcessor } from "./agent/messageProcessor.js";
export type { ActivityStore, RegistryPort, RouterPort } from "./agent/ports.js";
export { ReceivedMessage } from "./agent/receivedMessage.js";
export type { ControlCommand, TaskContext, TaskHandler } from "./agent/taskRunner.js";
export { TaskPreempted } from "./agent/taskRunner.js";
export type { DeliveredItem } from "./clients/deliveredItem.js";
export type { IncomingOptions } from "./clients/inboxReader.js";
export { RegistryClient } from "./clients/registryClient.js";
export { RETRY_SAFE_METHODS } from "./clients/retrySafe.js";
export type { RouterClientOptions, SendOptions } from "./clients/routerClient.js";
export { RouterClient } from "./clients/routerClient.js";
export type { SessionDelivery, SessionOpenOptions, SessionSendOptions } from "./clients/routerSession.js";
export { RouterSession } from "./clients/routerSession.js";
export { SchedulerClient, SchedulerPolicyClient } from "./clients/schedulerClients.js";
export type { SendResult } from "./clients/sendResult.js";
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
export type { LogFields, LogFn, Logger, SdkLogComponent } from "./logger.js";
export { consoleLogger, SDK_LOG_COMPONENTS, silentLogger } from "./logger.js";
export type { JsonFileStoreOptions } from "./storage/jsonFileStore.js";
export { JsonFileStore } from "./storage/jsonFileStore.js";
export type { RecordStore } from "./storage/recordStore.js";
export { MemoryStore } from "./storage/recordStore.js";
export type { SqliteStoreOptions } from "./storage/sqliteStore.js";
export { SqliteStore } from "./storage/sqliteStore.js";
export { isAbortedError } from "./transport/abort.js";
export type { CallOptions, Sw4rmClientOptions, TlsOptions } from "./transport/options.js";
export type { RetryPolicy } from "./transport/retry.js";
export type {
  SwitchRequestInfo,
  WorktreePolicy,
  WorktreeRef,
  WorktreeSnapshot,
  WorktreeStateOptions,
} from "./worktree/persistentWorktreeState.js";
export { PersistentWorktreeState } from "./worktree/persistentWorktreeState.js";
