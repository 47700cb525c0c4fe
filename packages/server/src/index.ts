/** Public API of @sw4rm/server: start the stack in-process, or use its components. */

export type { AdminServer } from "./admin/server.js";
export * from "./auth/index.js";
export type { AdminRequest, AdminRoute } from "./admin/route.js";
export type {
  BidiStreamHandler,
  CallContext,
  ClientStreamHandler,
  ServerStreamHandler,
  ServiceHandlers,
  UnaryHandler,
} from "./grpc/handlers.js";
export { raw } from "./grpc/handlers.js";
export type { CatalogEntry, SettingOption } from "./services/entry.js";
export { SERVICE_CATALOG } from "./services/catalog.js";
export { DIRECTORY, INGRESS, LOCAL_AGENTS, ROUTER_ADMIN, SCHEDULER_ADMIN } from "./services/keys.js";
export type { LocalAgents } from "./services/keys.js";
export { ADDRESS_KEYS, GRPC_SERVICE_NAMES, SERVICE_TABLE } from "./services/table.js";
export type { StorageBackend, StorageProvider, StoreFactories } from "./storage/provider.js";
export { DataDirLockedError } from "./storage/dataDirLock.js";
export type {
  AgentChange,
  AgentDirectory,
  AgentRecord,
  CallerInfo,
  CallGuard,
  Closeable,
  Logger,
  Principal,
  RouterIngress,
  ServiceContext,
  SubmitOptions,
  SubmitResult,
} from "./contracts.js";
export * from "./process/index.js";
export type {
  CreateRegistryOptions,
  RegisterResult,
  RegistryComponent,
  RegistryEvent,
  RegistryEventName,
  RegistryOptions,
  RegistryStore,
} from "./services/registry/index.js";
export {
  checkDescriptor,
  createRegistry,
  DEFAULT_MISSED_HEARTBEATS,
  MemoryRegistryStore,
  REGISTRY_DB_FILE,
  REGISTRY_PRODUCER_ID,
  Registry,
  registryEventOf,
  SqliteRegistryStore,
} from "./services/registry/index.js";
export type {
  CreateRouterConfig,
  DlqEntry,
  DlqFilter,
  MessageRecord,
  Router,
  RouterAdmin,
  RouterOptions,
} from "./services/router/index.js";
export { createRouter, MemoryRouterStore, ROUTER_DB_FILE } from "./services/router/index.js";
