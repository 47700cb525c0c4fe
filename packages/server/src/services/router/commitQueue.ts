/**
 * The router's single group committer: admissions and delivery acks that arrive together are written
 * in ONE transaction and made durable by ONE sync, so a busy producer/consumer pair costs one fsync per
 * round, not two.
 */
import { type BatchCommit, GroupCommitter } from "./groupCommit.js";
import type { AckItem, AckResult, AdmitItem, AdmitOutcome, RouterStore } from "./store.js";

type Op = { readonly admit: AdmitItem; readonly ack?: undefined } | { readonly ack: AckItem; readonly admit?: undefined };
type OpResult = AdmitOutcome | AckResult;

export class CommitQueue {
  readonly #committer: GroupCommitter<Op, OpResult>;
  admitted = 0;
  acked = 0;

  constructor(store: RouterStore, now: () => number, maxBatch: number) {
    this.#committer = new GroupCommitter<Op, OpResult>(async (ops): Promise<BatchCommit<OpResult>> => {
      const admits: AdmitItem[] = [];
      const acks: AckItem[] = [];
      for (const op of ops) {
        if (op.admit) admits.push(op.admit);
        else acks.push(op.ack);
      }
      const { results, durable } = await store.commit({ admits, acks }, now());
      let a = 0;
      let k = 0;
      const ordered = ops.map((op): OpResult | undefined => (op.admit ? results.admitted[a++] : results.acked[k++]));
      this.admitted += admits.length;
      this.acked += acks.length;
      // A missing result (a store bug) is rejected per item by the GroupCommitter.
      return { results: ordered as OpResult[], durable };
    }, maxBatch);
  }

  admit(item: AdmitItem): Promise<AdmitOutcome> {
    return this.#committer.submit({ admit: item }) as Promise<AdmitOutcome>;
  }

  /** Acks go ahead of waiting admissions: under a flood of sends, consumers still get their acks through. */
  ack(item: AckItem): Promise<AckResult> {
    return this.#committer.submit({ ack: item }, true) as Promise<AckResult>;
  }

  /** Transactions committed so far. */
  get batches(): number {
    return this.#committer.batches;
  }

  idle(): Promise<void> {
    return this.#committer.idle();
  }
}
