export type { DlqAdmin, RouterAdmin } from "./admin.js";
export type { RouterSubmitOptions } from "./admission.js";
export { Admission } from "./admission.js";
export { recipientsFrom, routerServiceDefinition } from "./grpcHandlers.js";
export type { ResolvedRouterOptions, RouterOptions } from "./options.js";
export { resolveRouterOptions } from "./options.js";
export { MemoryRouterStore } from "./memoryRouterStore.js";
export type { CreateRouterConfig, Router } from "./router.js";
export { createRouter } from "./router.js";
export type { SqliteRouterStoreOptions } from "./sqliteRouterStore.js";
export { ROUTER_DB_FILE, SqliteRouterStore } from "./sqliteRouterStore.js";
export type {
  AckItem,
  AckResult,
  AdmitItem,
  AdmitOutcome,
  CommitBatch,
  CommitResult,
  Delivery,
  DlqAttempt,
  DlqEntry,
  DlqFilter,
  Lane,
  LaneHead,
  MessageRecord,
  QueuedDelivery,
  RouterStore,
} from "./store.js";
export { WorkerRouterStore } from "./workerRouterStore.js";
