/**
 * Rejection reasons. Format: `<code>: <detail>` where <code> is the spec's snake_case string
 * (spec §11, doc §1.15: `no_route`, `buffer_full`, `validation_error`, `oversize_payload`,
 * `ttl_expired`, `unsupported_message_type`), and the idempotency outcomes keep the spec's spelling:
 * `DUPLICATE_DETECTED original_message_id=<id> original_status=<s> cached_at=<iso>` and
 * `ALREADY_IN_PROGRESS original_message_id=<id> ...`.
 */
import { CommunicationClass, ErrorCode, errorCodeName, isoFromMs } from "@sw4rm/protocol";
import type { AdmitOutcome, Lane } from "./store.js";

export function reasonCode(code: ErrorCode): string {
  if (code === ErrorCode.DUPLICATE_DETECTED || code === ErrorCode.ALREADY_IN_PROGRESS) return errorCodeName(code);
  return errorCodeName(code).toLowerCase();
}

export function reason(code: ErrorCode, detail: string): string {
  return `${reasonCode(code)}: ${detail}`;
}

export function duplicateReason(dup: Extract<AdmitOutcome, { kind: "duplicate" }>): string {
  const head = dup.inProgress ? "ALREADY_IN_PROGRESS" : "DUPLICATE_DETECTED";
  return `${head} original_message_id=${dup.originalMessageId} original_status=${dup.originalStatus} cached_at=${isoFromMs(dup.cachedAtMs)}`;
}

const CLASS_NAMES: Readonly<Record<string, Lane>> = {
  PRIVILEGED: CommunicationClass.PRIVILEGED,
  STANDARD: CommunicationClass.STANDARD,
  BULK: CommunicationClass.BULK,
  "1": CommunicationClass.PRIVILEGED,
  "2": CommunicationClass.STANDARD,
  "3": CommunicationClass.BULK,
};

/** Parses the `sw4rm-class` metadata value; undefined when it is not a class name or number. */
export function parseLane(value: string): Lane | undefined {
  return CLASS_NAMES[value.trim().toUpperCase()];
}

/** A registered class as a lane; UNSPECIFIED is STANDARD (the SDK default, spec §1.9). */
export function laneOf(cls: CommunicationClass | undefined): Lane {
  return cls === CommunicationClass.PRIVILEGED || cls === CommunicationClass.BULK ? cls : CommunicationClass.STANDARD;
}
