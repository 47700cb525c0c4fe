/** What the admin surface reads: the agent directory and the router's introspection API. */
import type { DlqFilter } from "../router/store.js";

export type { DlqFilter };

/**
 * The router's admin API (createRouter(...).admin). Results are serialised as JSON by the admin
 * server (bigint → string, bytes → base64, Map → object), so their exact types do not matter here.
 */
export interface RouterIntrospection {
  queueDepths(): Promise<unknown> | unknown;
  message(messageId: string): Promise<unknown> | unknown;
  messagesByCorrelation(correlationId: string): Promise<unknown> | unknown;
  readonly dlq: {
    list(filter: DlqFilter): Promise<unknown> | unknown;
    requeue(ids: readonly number[]): Promise<unknown> | unknown;
    export(filter: DlqFilter): AsyncIterable<string>;
    purge(filter: DlqFilter): Promise<unknown> | unknown;
  };
}
