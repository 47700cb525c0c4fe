/** snake_case JSON views of router records for the admin API, the CLI and the dashboard. */
import { CommunicationClass, errorCodeName, isoFromMs } from "@sw4rm/protocol";
import type { DlqEntry, MessageRecord } from "./store.js";

export interface QueueView {
  readonly agent_id: string;
  readonly depth: number;
}

export function queueViews(depths: ReadonlyMap<string, number>): QueueView[] {
  return [...depths.entries()]
    .map(([agent_id, depth]) => ({ agent_id, depth }))
    .sort((a, b) => a.agent_id.localeCompare(b.agent_id));
}

const laneName = (lane: number) => CommunicationClass[lane] ?? String(lane);

export interface MessageView {
  readonly message_id: string;
  readonly producer_id: string;
  readonly correlation_id: string;
  /** Message lifecycle state (SENT, RECEIVED, READ, FULFILLED, REJECTED, FAILED, TIMED_OUT, RETRYING). */
  readonly state: string;
  readonly state_at: string;
  readonly admitted_at: string;
  readonly lane: string;
  readonly recipients: readonly string[];
  /** Copies not yet acked or dead-lettered. */
  readonly pending_deliveries: number;
  readonly dead_lettered: boolean;
}

export function messageView(m: MessageRecord): MessageView {
  return {
    message_id: m.messageId,
    producer_id: m.producerId,
    correlation_id: m.correlationId,
    state: String(m.state),
    state_at: isoFromMs(m.stateAtMs),
    admitted_at: isoFromMs(m.admittedAtMs),
    lane: laneName(m.lane),
    recipients: m.recipients,
    pending_deliveries: m.pendingDeliveries,
    dead_lettered: m.deadLettered,
  };
}

export interface DlqEntryView {
  readonly id: number;
  readonly message_id: string;
  readonly agent_id: string;
  readonly producer_id: string;
  readonly correlation_id: string;
  readonly lane: string;
  /** ErrorCode name, as `--code` and `?code=` take it. */
  readonly error_code: string;
  readonly error: string;
  readonly attempts: readonly { readonly at: string; readonly event: string; readonly reason: string }[];
  readonly created_at: string;
  readonly failed_at: string;
  readonly payload_size: number;
  readonly content_type: string;
  /** First 256 payload bytes: UTF-8 text when it decodes cleanly, else `base64:<...>`. */
  readonly excerpt: string;
}

export function dlqEntryView(e: DlqEntry): DlqEntryView {
  return {
    id: e.id,
    message_id: e.messageId,
    agent_id: e.agentId,
    producer_id: e.producerId,
    correlation_id: e.correlationId,
    lane: laneName(e.lane),
    error_code: errorCodeName(e.errorCode),
    error: e.error,
    attempts: e.attempts.map((a) => ({ at: isoFromMs(a.atMs), event: a.event, reason: a.reason })),
    created_at: isoFromMs(e.createdAtMs),
    failed_at: isoFromMs(e.failedAtMs),
    payload_size: e.payloadSize,
    content_type: e.contentType,
    excerpt: e.excerpt,
  };
}
