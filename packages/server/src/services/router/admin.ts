/** Admin operations over the router store (used by the admin HTTP API and CLI). */
import type { Clock } from "@sw4rm/protocol";
import type { Logger } from "../../contracts.js";
import type { DlqEntry, DlqFilter, MessageRecord, QueuedDelivery, RouterStore } from "./store.js";

export interface RouterStats {
  /** Transactions of the group committer (admissions and acks together). */
  readonly commitBatches: number;
  readonly admittedItems: number;
  readonly ackedItems: number;
}

export interface DlqAdmin {
  list(filter?: DlqFilter): Promise<DlqEntry[]>;
  /** Puts entries back in their recipient's queue as fresh deliveries. */
  requeue(ids: readonly number[]): Promise<QueuedDelivery[]>;
  /** JSON lines (one DlqEntry per line, newline-terminated), paged from the store. */
  export(filter?: DlqFilter): AsyncIterable<string>;
  purge(filter?: DlqFilter): Promise<number>;
}

export interface RouterAdmin {
  queueDepths(): Promise<Map<string, number>>;
  message(messageId: string): Promise<MessageRecord | undefined>;
  messagesByCorrelation(correlationId: string): Promise<MessageRecord[]>;
  /** Group-commit statistics: transactions and items committed since start. */
  stats(): RouterStats;
  readonly dlq: DlqAdmin;
}

export interface AdminDeps {
  readonly store: RouterStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onQueued: (agentIds: readonly string[]) => void;
  readonly stats: () => RouterStats;
}

const EXPORT_PAGE = 500;

export function createRouterAdmin(deps: AdminDeps): RouterAdmin {
  const { store } = deps;
  return {
    queueDepths: () => store.queueDepths(),
    message: (id) => store.message(id),
    messagesByCorrelation: (cid) => store.messagesByCorrelation(cid),
    stats: deps.stats,
    dlq: {
      list: (filter = {}) => store.dlqList(filter),
      async requeue(ids) {
        const queued = await store.dlqRequeue(ids, deps.clock.now());
        deps.logger.info({ ids, requeued: queued.length }, "dlq requeue");
        deps.onQueued(queued.map((q) => q.agentId));
        return queued;
      },
      async *export(filter = {}) {
        let afterId = filter.afterId ?? 0;
        let remaining = filter.limit ?? Number.POSITIVE_INFINITY;
        while (remaining > 0) {
          const page = await store.dlqList({ ...filter, afterId, limit: Math.min(EXPORT_PAGE, remaining) });
          for (const entry of page) yield `${JSON.stringify(entry)}\n`;
          const last = page.at(-1);
          if (!last || page.length < EXPORT_PAGE) return;
          afterId = last.id;
          remaining -= page.length;
        }
      },
      async purge(filter = {}) {
        const n = await store.dlqPurge(filter);
        deps.logger.info({ filter, purged: n }, "dlq purge");
        return n;
      },
    },
  };
}
