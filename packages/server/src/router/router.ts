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
import type { AgentDirectory, Closeable, Logger, RouterIngress } from "../contracts.js";
import { createRouterAdmin, type RouterAdmin } from "./admin.js";
import { Admission, type LocalRecipient } from "./admission.js";
import { DeliverySession, type StreamCall } from "./deliverySession.js";
import { createGrpcHandlers, routerServiceDefinition } from "./grpcHandlers.js";
import { createRouterMetrics } from "./metrics.js";
import { type RouterOptions, resolveRouterOptions } from "./options.js";
import { reason } from "./reasons.js";
import { SqliteRouterStore, type SqliteRouterStoreOptions } from "./sqliteRouterStore.js";
import type { RouterStore } from "./store.js";

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
}

export interface Router extends Closeable {
  readonly ingress: RouterIngress;
  /** Routes envelopes for `agentId` to an in-process component instead of a queue (see Admission). */
  attachLocal(agentId: string, handler: LocalRecipient): () => void;
  /** Handlers for `server.addService(router.service, router.grpc)` (or the generated RouterServiceService). */
  readonly grpc: RouterServiceServer;
  readonly service: typeof routerServiceDefinition;
  readonly admin: RouterAdmin;
  readonly store: RouterStore;
}

export function createRouter(config: CreateRouterConfig): Router {
  const clock = config.clock ?? systemClock;
  const logger = config.logger.child({ component: "router" });
  const options = resolveRouterOptions(config.options);
  if (!config.store && !config.dataDir) throw new TypeError("createRouter needs either `store` or `dataDir`");
  const ownsStore = !config.store;
  const store = config.store ?? SqliteRouterStore.inDir(config.dataDir ?? "", config.sqlite);
  const metrics = config.metricsRegistry ? createRouterMetrics(config.metricsRegistry, store) : undefined;
  const sessions = new Map<string, DeliverySession>();
  let closed = false;

  const wake = (agentIds: readonly string[]) => {
    for (const id of agentIds) sessions.get(id)?.waker.notify();
  };
  const admission = new Admission({
    store,
    directory: config.directory,
    clock,
    logger,
    options,
    onQueued: wake,
    onReject: metrics ? (code) => metrics.reject(code) : undefined,
  });
  const sessionDeps = { store, clock, logger, options, admission };

  function openStream(agentId: string, call: StreamCall): void {
    if (closed) {
      call.end();
      return;
    }
    const previous = sessions.get(agentId);
    const session = new DeliverySession(agentId, call, sessionDeps);
    sessions.set(agentId, session);
    call.on("cancelled", () => {
      session.close(false);
      if (sessions.get(agentId) === session) sessions.delete(agentId);
    });
    // One active stream per agent: the old one ends, and its in-flight copies go to the new one.
    previous?.close(true);
    void (async () => {
      if (previous) await previous.done;
      await store.releaseInFlight(agentId);
      if (!session.closed) session.start();
    })().catch((error: unknown) => {
      logger.error({ err: error, agent_id: agentId }, "could not open delivery stream");
      session.close(true);
    });
  }

  async function ack(agentId: string, seq: bigint, messageId: string, outcome: DeliveryAckOutcome): Promise<boolean> {
    const kind = outcome === Outcome.DELIVERY_ACK_OUTCOME_PERMANENT_FAILURE ? "permanent_failure" : "delivered";
    const result = await store.ack(agentId, seq, messageId, kind, clock.now());
    if (result === "recorded") wake([agentId]);
    else logger.debug({ agent_id: agentId, seq: seq.toString(), message_id: messageId }, "ack not recorded");
    return result === "recorded";
  }

  let sweepTimer: TimerHandle | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  async function sweep(): Promise<void> {
    const now = clock.now();
    const note = reason(ErrorCode.TTL_EXPIRED, "ttl_ms ran out before delivery");
    for (const entry of await store.expireDue(now, ErrorCode.TTL_EXPIRED, note)) {
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
    stats: () => ({ admissionBatches: admission.committer.batches, admittedItems: admission.committer.items }),
  });

  return {
    ingress: admission,
    attachLocal: (agentId, handler) => admission.attachLocal(agentId, handler),
    grpc: createGrpcHandlers({ admission, logger, openStream, ack }),
    service: routerServiceDefinition,
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
      await admission.committer.idle();
      await sweeping;
      if (ownsStore) await store.close();
    },
  };
}
