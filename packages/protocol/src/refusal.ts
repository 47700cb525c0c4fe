/**
 * Refusal reasons: the text a router puts in `SendMessageResponse.reason`, in the fast path's
 * `SendResult.reason` and in NACK notes. One format, one parser, shared by server and SDK.
 *
 *   `<code>: <detail>`  where <code> is the spec's snake_case string (spec §11, doc §1.15:
 *                        `no_route`, `buffer_full`, `validation_error`, `ttl_expired`, ...)
 *   `DUPLICATE_DETECTED original_message_id=<id> original_status=<s> cached_at=<iso>` and
 *   `ALREADY_IN_PROGRESS original_message_id=<id> ...`  (the idempotency outcomes keep the spec's spelling)
 */
import { errorCodeFromString, errorCodeName } from "./errors.js";
import { ErrorCode } from "./gen/index.js";

export interface Refusal {
  /** ERROR_CODE_UNSPECIFIED when the reason does not start with a known code (a foreign router's free text). */
  readonly code: ErrorCode;
  /** What was wrong and what to fix (the whole reason when it names no code). */
  readonly detail: string;
}

/** The idempotency outcomes of spec §11.2, spelled as the spec does (upper case). */
const SPEC_SPELLED = new Set<ErrorCode>([ErrorCode.DUPLICATE_DETECTED, ErrorCode.ALREADY_IN_PROGRESS]);

/** The code as it leads a reason: `no_route`, `buffer_full`, ...; `DUPLICATE_DETECTED` / `ALREADY_IN_PROGRESS`. */
export function refusalCodeText(code: ErrorCode): string {
  return SPEC_SPELLED.has(code) ? errorCodeName(code) : errorCodeName(code).toLowerCase();
}

/** `<code>: <detail>`, e.g. `no_route: no registered agent "bob"`. */
export function formatRefusal(code: ErrorCode, detail: string): string {
  return `${refusalCodeText(code)}: ${detail}`;
}

export interface IdempotencyRefusal {
  readonly originalMessageId: string;
  readonly originalStatus: string;
  /** ISO-8601 time the original was recorded. */
  readonly cachedAt: string;
}

/** `DUPLICATE_DETECTED original_message_id=<id> original_status=<s> cached_at=<iso>` (spec §11.2). */
export function formatIdempotencyRefusal(
  code: ErrorCode.DUPLICATE_DETECTED | ErrorCode.ALREADY_IN_PROGRESS,
  original: IdempotencyRefusal,
): string {
  return `${errorCodeName(code)} original_message_id=${original.originalMessageId} original_status=${original.originalStatus} cached_at=${original.cachedAt}`;
}

/** `code: detail` (any case), or `CODE detail` (the spec's upper-case spelling, no colon). */
const COLON_FORM = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*: ?/;
const SPACE_FORM = /^\s*([A-Z][A-Z0-9_]*)(?: |$)/;

/**
 * Reads any reason `formatRefusal` / `formatIdempotencyRefusal` produce (and the colon form other
 * services use, e.g. `DUPLICATE_DETECTED: task ...`). A reason that names no known code gives
 * ERROR_CODE_UNSPECIFIED with the whole text as the detail.
 */
export function parseRefusal(reason: string): Refusal {
  for (const form of [COLON_FORM, SPACE_FORM]) {
    const m = form.exec(reason);
    const head = m?.[1];
    if (!m || head === undefined) continue;
    const code = errorCodeFromString(head);
    if (code === undefined || code === ErrorCode.ERROR_CODE_UNSPECIFIED || /^\d+$/.test(head)) continue;
    return { code, detail: reason.slice(m[0].length) };
  }
  return { code: ErrorCode.ERROR_CODE_UNSPECIFIED, detail: reason };
}
