/**
 * createRouter: composes store, admission (group commit), delivery sessions, gRPC handlers, admin
 * operations and the TTL/prune sweep. Only the caller's gRPC server opens sockets.
 */
import {
  AckStage,
  type Clock,
  type DeliveryAckOutcome,
  ErrorCode,
  DeliveryAckOutcome as Outcome,
  type RouterServiceServer,
  systemClock,
  type TimerHandle,
} from "@sw4rm/protocol";
import type { Registry } from "prom-client";
import type { AgentDirectory, CallGuard, Closeable, Logger, RouterIngress } from "../contracts.js";
import { createRouterAdmin, type RouterAdmin } from "./admin.js";
import { type Admitted, Admission, type LocalRecipient } from "./admission.js";
import { DeliverySession } from "./deliverySession.js";
import { type DeliverySink, streamCallSink } from "./deliverySink.js";
import { CommitQueue } from "./commitQueue.js";
import { createGrpcHandlers, routerServiceDefinition } from "./grpcHandlers.js";
import { Inbox } from "./inbox.js";
import { createRouterMetrics } from "./metrics.js";
import { type RouterOptions, resolveRouterOptions } from "./options.js";
import { reason } from "./reasons.js";
import { createSessionHandlers, routerSessionDefinition } from "./sessionHandlers.js";
import { SqliteRouterStore, type SqliteRouterStoreOptions } from "./sqliteRouterStore.js";
import { leaseKey, type RouterStore } from "./store.js";

export interface CreateRouterConfig {
  /** A ready store (caller keeps ownership), or `dataDir` for the embedded SQLite store. */
  readonly store?: RouterStore;
  readonly dataDir?: string;
  readonly sqlite?: SqliteRouterStoreOptions;
  readonly directory: AgentDirectory;
  readonly clock?: Clock;
  readonly logger: Logger;
  readonly options?: RouterOptions;
  /** When given, router metrics are registered here. */
  readonly metricsRegistry?: Registry;
  /** Authorization of identities inside messages on the streaming session (absent = auth off). */
  readonly guard?: CallGuard;
}

export interface Router extends Closeable {
  readonly ingress: RouterIngress;
  /** Routes envelopes for `agentId` to an in-process component instead of a queue (see Admission). */
  attachLocal(agentId: string, handler: LocalRecipient): () => void;
  /** Handlers for `server.addService(router.service, router.grpc)` (or the generated RouterServiceService). */
  readonly grpc: RouterServiceServer;
  readonly service: typeof routerServiceDefinition;
  /** The streaming fast path `sw4rm.ext.router.v1.RouterSession` (same core, batched frames). */
  readonly session: {
    readonly service: typeof routerSessionDefinition;
    readonly grpc: ReturnType<typeof createSessionHandlers>;
  };
  readonly admin: RouterAdmin;
  readonly store: RouterStore;
}

export function createRouter(config: CreateRouterConfig): Router {
  const clock = config.clock ?? systemClock;
  const logger = config.logger.child({ component: "router" });
  const options = resolveRouterOptions(config.options);
  if (!config.store && !config.dataDir) throw new TypeError("createRouter needs either `store` or `dataDir`");
  const ownsStore = !config.store;
  const store =
    config.store ??
    SqliteRouterStore.inDir(
      config.dataDir ?? "",
      config.sqlite ?? { synchronous: options.durability === "process-crash" ? "NORMAL" : "FULL" },
    );
  const commitStats = () => ({ commitBatches: commits.batches, admittedItems: commits.admitted, ackedItems: commits.acked });
  const metrics = config.metricsRegistry
    ? createRouterMetrics(config.metricsRegistry, store, commitStats)
    : undefined;
  const sessions = new Map<string, DeliverySession>();
  const inboxes = new Map<string, Inbox>();
  const inboxOf = (agentId: string) => {
    let inbox = inboxes.get(agentId);
    if (!inbox) {
      inbox = new Inbox(agentId, options.readAhead);
      inboxes.set(agentId, inbox);
    }
    return inbox;
  };
  let closed = false;

  const wake = (agentIds: readonly string[], admitted?: Admitted) => {
    if (admitted) {
      const { item } = admitted;
      for (const d of admitted.deliveries)
        inboxes.get(d.agentId)?.admitted({
          agentId: d.agentId,
          seq: d.seq,
          messageId: item.messageId,
          producerId: item.producerId,
          correlationId: item.correlationId,
          lane: item.lane,
          envelope: item.envelope,
          expiresAtMs: item.expiresAtMs,
        });
    } else for (const id of agentIds) inboxes.get(id)?.invalidate();
    for (const id of agentIds) sessions.get(id)?.waker.notify();
  };
  const commits = new CommitQueue(store, () => clock.now(), options.maxBatch);
  const admission = new Admission({
    store,
    commits,
    directory: config.directory,
    clock,
    logger,
    options,
    onQueued: wake,
    onReject: metrics ? (code) => metrics.reject(code) : undefined,
  });
  const sessionDeps = { store, clock, logger, options, admission };

  /** Opens the agent's delivery stream on `sink`; returns the session (the caller wires cancellation). */
  function openDelivery(agentId: string, sink: DeliverySink): DeliverySession | undefined {
    if (closed) {
      sink.end();
      return undefined;
    }
    const previous = sessions.get(agentId);
    const inbox = inboxOf(agentId);
    const session = new DeliverySession(inbox, sink, sessionDeps);
    sessions.set(agentId, session);
    // One active stream per agent: the old one ends, and its in-flight copies go to the new one.
    previous?.close(true);
    void (async () => {
      if (previous) await previous.done;
      inbox.releaseAll();
      if (!session.closed) session.start();
    })().catch((error: unknown) => {
      logger.error({ err: error, agent_id: agentId }, "could not open delivery stream");
      session.close(true);
    });
    return session;
  }

  function closeDelivery(session: DeliverySession): void {
    session.close(false);
    if (sessions.get(session.agentId) === session) sessions.delete(session.agentId);
  }

  async function ack(agentId: string, seq: bigint, messageId: string, outcome: DeliveryAckOutcome): Promise<boolean> {
    const kind = outcome === Outcome.DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE ? "permanent_failure" : "delivered";
    const inbox = inboxes.get(agentId);
    const attempts = inbox?.leaseOf(seq)?.attempts;
    const result = await commits.ack({ agentId, seq, messageId, outcome: kind, attempts });
    if (result === "recorded") {
      inbox?.settle(seq);
      sessions.get(agentId)?.waker.notify();
    } else logger.debug({ agent_id: agentId, seq: seq.toString(), message_id: messageId }, "ack not recorded");
    return result === "recorded";
  }

  let sweepTimer: TimerHandle | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  async function sweep(): Promise<void> {
    const now = clock.now();
    const note = reason(ErrorCode.TTL_EXPIRED, "ttl_ms ran out before delivery");
    const leased = new Set<string>();
    for (const inbox of inboxes.values()) for (const seq of inbox.leasedSeqs(now)) leased.add(leaseKey(inbox.agentId, seq));
    for (const entry of await store.expireDue(now, ErrorCode.TTL_EXPIRED, note, leased)) {
      inboxes.get(entry.agentId)?.settleMessage(entry.messageId);
      logger.info({ message_id: entry.messageId, correlation_id: entry.correlationId }, "ttl expired in queue");
      await admission.notifyProducer(entry.producerId, entry.messageId, entry.correlationId, {
        stage: AckStage.FAILED,
        code: ErrorCode.TTL_EXPIRED,
        note: entry.error,
      });
    }
    await store.prune(now, options.dedupWindowMs);
  }
  let sweepBusy = false;
  let sweepAgain = false;
  const runSweep = () => {
    if (sweepBusy) {
      sweepAgain = true; // coalesce: one more run, at the time it starts
      return;
    }
    sweepBusy = true;
    sweeping = sweep()
      .catch((error: unknown) => logger.error({ err: error }, "router sweep failed"))
      .finally(() => {
        sweepBusy = false;
        if (sweepAgain && !closed) {
          sweepAgain = false;
          runSweep();
        }
      });
  };
  // Re-armed synchronously so a ManualClock advance fires every due sweep.
  const armSweep = () => {
    sweepTimer = clock.setTimer(options.sweepIntervalMs, () => {
      if (closed) return;
      armSweep();
      runSweep();
    });
  };
  armSweep();

  const admin = createRouterAdmin({
    store,
    clock,
    logger,
    onQueued: wake,
    stats: commitStats,
  });

  const openStream = (agentId: string, call: Parameters<typeof streamCallSink>[0]) => {
    const session = openDelivery(agentId, streamCallSink(call));
    if (session) call.on("cancelled", () => closeDelivery(session));
  };

  return {
    ingress: admission,
    attachLocal: (agentId, handler) => admission.attachLocal(agentId, handler),
    grpc: createGrpcHandlers({ admission, logger, openStream, ack }),
    service: routerServiceDefinition,
    session: {
      service: routerSessionDefinition,
      grpc: createSessionHandlers({
        admission,
        logger,
        options,
        guard: config.guard,
        openDelivery,
        closeDelivery,
        ack,
        isClosed: () => closed,
      }),
    },
    admin,
    store,
    async close() {
      if (closed) return;
      closed = true;
      sweepTimer?.cancel();
      const all = [...sessions.values()];
      sessions.clear();
      for (const s of all) s.close(true);
      await Promise.all(all.map((s) => s.done));
      await commits.idle();
      await sweeping;
      if (ownsStore) await store.close();
    },
  };
}
