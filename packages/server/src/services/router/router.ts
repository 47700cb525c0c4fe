/**
 * createRouter: composes the given store, admission (group commit), the delivery hub, the sweeper,
 * gRPC handlers and admin operations. Only the caller's gRPC server opens sockets, and the caller
 * owns the store (it closes it after the router).
 */
import { type Clock, systemClock } from "@sw4rm/protocol";
import type { Registry } from "prom-client";
import type { AgentDirectory, CallGuard, Closeable, Logger, RouterIngress } from "../../contracts.js";
import { createRouterAdmin, type RouterAdmin } from "./admin.js";
import { Admission, type LocalRecipient } from "./admission.js";
import { CommitQueue } from "./commitQueue.js";
import { DeliveryHub } from "./deliveryHub.js";
import { streamCallSink } from "./deliverySink.js";
import { createGrpcHandlers, routerServiceDefinition } from "./grpcHandlers.js";
import { createRouterMetrics } from "./metrics.js";
import { type RouterOptions, resolveRouterOptions } from "./options.js";
import { createSessionHandlers, routerSessionDefinition } from "./sessionHandlers.js";
import type { RouterStore } from "./store.js";
import { Sweeper } from "./sweeper.js";

export interface CreateRouterConfig {
  /** The queue store (SqliteRouterStore, WorkerRouterStore, MemoryRouterStore); the caller closes it. */
  readonly store: RouterStore;
  readonly directory: AgentDirectory;
  readonly clock?: Clock;
  readonly logger: Logger;
  readonly options?: RouterOptions;
  /** When given, router metrics are registered here. */
  readonly metricsRegistry?: Registry;
  /** Authorization of identities inside messages on the streaming session (absent = auth off). */
  readonly guard?: CallGuard;
  /** Names the store in storage-failure answers on the session (default "the router store"). */
  readonly describeStore?: () => string;
}

export interface Router extends Closeable {
  readonly ingress: RouterIngress;
  /** Routes envelopes for `agentId` to an in-process component instead of a queue (see Admission). */
  attachLocal(agentId: string, handler: LocalRecipient): () => void;
  /** RouterService, bound through the call pipeline (definition + handlers). */
  readonly definition: typeof routerServiceDefinition;
  readonly handlers: ReturnType<typeof createGrpcHandlers>;
  /** The streaming fast path `sw4rm.ext.router.v1.RouterSession` (same core, batched frames). */
  readonly session: {
    readonly definition: typeof routerSessionDefinition;
    readonly handlers: ReturnType<typeof createSessionHandlers>;
  };
  readonly admin: RouterAdmin;
  /** The store given in the config (the router never closes it). */
  readonly store: RouterStore;
}

export function createRouter(config: CreateRouterConfig): Router {
  const { store, directory } = config;
  if (!store)
    throw new TypeError(
      "createRouter needs `store` (a RouterStore such as SqliteRouterStore or MemoryRouterStore); it no longer opens one from `dataDir`",
    );
  const clock = config.clock ?? systemClock;
  const logger = config.logger.child({ component: "router" });
  const options = resolveRouterOptions(config.options);
  const commits = new CommitQueue(store, () => clock.now(), options.maxBatch);
  const stats = () => ({ commitBatches: commits.batches, admittedItems: commits.admitted, ackedItems: commits.acked });
  const metrics = config.metricsRegistry ? createRouterMetrics(config.metricsRegistry, store, stats) : undefined;
  const admission: Admission = new Admission({
    store,
    commits,
    directory,
    clock,
    logger,
    options,
    onQueued: (agentIds, admitted) => hub.wake(agentIds, admitted),
    onReject: metrics ? (code) => metrics.reject(code) : undefined,
  });
  const hub = new DeliveryHub({ store, commits, clock, logger, options, admission });
  const sweeper = new Sweeper({ store, clock, logger, options, leases: hub, admission });
  sweeper.start();
  const admin = createRouterAdmin({ store, clock, logger, onQueued: (agentIds) => hub.wake(agentIds), stats });
  const openDelivery = hub.open.bind(hub);
  const closeDelivery = hub.closeSession.bind(hub);
  const ack = hub.ack.bind(hub);
  let closed = false;

  return {
    ingress: admission,
    attachLocal: (agentId, handler) => admission.attachLocal(agentId, handler),
    handlers: createGrpcHandlers({
      admission,
      logger,
      openStream(agentId, call) {
        const session = openDelivery(agentId, streamCallSink(call));
        if (session) call.on("cancelled", () => closeDelivery(session));
      },
      ack,
    }),
    definition: routerServiceDefinition,
    session: {
      definition: routerSessionDefinition,
      handlers: createSessionHandlers({
        admission,
        logger,
        options,
        guard: config.guard,
        openDelivery,
        closeDelivery,
        ack,
        isClosed: () => closed,
        describeStore: config.describeStore ?? (() => "the router store"),
      }),
    },
    admin,
    store,
    async close() {
      if (closed) return;
      closed = true;
      sweeper.stop();
      await hub.close();
      await commits.idle();
      await sweeper.idle();
    },
  };
}
