/**
 * Rejection reasons, formatted by @sw4rm/protocol's refusal module (the SDK parses them with
 * parseRefusal): `<code>: <detail>` with the spec's snake_case code (`no_route`, `buffer_full`,
 * `validation_error`, ...), and the idempotency outcomes in the spec's spelling:
 * `DUPLICATE_DETECTED original_message_id=<id> original_status=<s> cached_at=<iso>` and
 * `ALREADY_IN_PROGRESS original_message_id=<id> ...`.
 */
import {
  CommunicationClass,
  ErrorCode,
  formatIdempotencyRefusal,
  formatRefusal,
  isoFromMs,
  refusalCodeText,
} from "@sw4rm/protocol";
import type { AdmitOutcome, Lane } from "./store.js";

export function reasonCode(code: ErrorCode): string {
  return refusalCodeText(code);
}

export function reason(code: ErrorCode, detail: string): string {
  return formatRefusal(code, detail);
}

export function duplicateReason(dup: Extract<AdmitOutcome, { kind: "duplicate" }>): string {
  return formatIdempotencyRefusal(dup.inProgress ? ErrorCode.ALREADY_IN_PROGRESS : ErrorCode.DUPLICATE_DETECTED, {
    originalMessageId: dup.originalMessageId,
    originalStatus: dup.originalStatus,
    cachedAt: isoFromMs(dup.cachedAtMs),
  });
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
