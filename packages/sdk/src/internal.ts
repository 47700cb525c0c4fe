// "@sw4rm/sdk/internal": the plumbing the SDK's clients are built from, for code inside this
// repository (tests, bench, fixtures) and for writing a new service client. Not a stable API:
// names here may change in any release. Users import from "@sw4rm/sdk".

export { noteOf, outcomeOfError } from "./agent/messageProcessor.js";
export { parseControlCommand, TaskRunner } from "./agent/taskRunner.js";
export type { InboxTransport } from "./clients/inboxReader.js";
export { InboxReader } from "./clients/inboxReader.js";
export {
  isAuthRefusal,
  isReconnectable,
  RECONNECT_LOG_INTERVAL_MS,
  RECONNECT_POLICY,
  ReconnectLog,
} from "./clients/reconnect.js";
export { sendResult } from "./clients/sendResult.js";
export { componentLogger } from "./logger.js";
export { abortedError } from "./transport/abort.js";
export { buildMetadata } from "./transport/metadata.js";
export type { ResolvedClientConfig } from "./transport/options.js";
export { AUTHORIZATION_METADATA, buildCredentials, clientMetadata, resolveClientConfig } from "./transport/options.js";
export { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableError, withRetry } from "./transport/retry.js";
export type { StreamContext, StreamInvoker } from "./transport/serverStream.js";
export { serverStream } from "./transport/serverStream.js";
export type { StreamMethod, UnaryMethod } from "./transport/serviceClient.js";
export { ServiceClient } from "./transport/serviceClient.js";
export type { UnaryContext, UnaryInvoker } from "./transport/unary.js";
export { unary } from "./transport/unary.js";
