import { ErrorCode, parseRefusal } from "@sw4rm/protocol";

/** The router's answer to a send: committed (accepted) or refused with a reason and its ErrorCode. */
export interface SendResult {
  readonly accepted: boolean;
  /** Empty when accepted; otherwise `<code>: what was wrong and what to fix` (see parseRefusal). */
  readonly reason: string;
  /**
   * Why the send was refused (NO_ROUTE, BUFFER_FULL, VALIDATION_ERROR, ...); ERROR_CODE_UNSPECIFIED
   * when accepted. BUFFER_FULL and OVERLOADED are worth retrying later; the others need a fix first.
   */
  readonly errorCode: ErrorCode;
}

const ACCEPTED: SendResult = { accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED };

/**
 * A SendResult from the wire: the code the router sent (the fast path's `error_code`) or, when it sent
 * none (SendMessageResponse has no code field), the code the reason starts with. A refusal whose reason
 * names no code is a VALIDATION_ERROR, as upstream SDKs treat every refusal with a reason.
 */
export function sendResult(accepted: boolean, reason: string, wireCode = 0): SendResult {
  if (accepted) return ACCEPTED;
  const sent = wireCode in ErrorCode && wireCode !== ErrorCode.ERROR_CODE_UNSPECIFIED ? (wireCode as ErrorCode) : undefined;
  const parsed = parseRefusal(reason).code;
  const errorCode = sent ?? (parsed !== ErrorCode.ERROR_CODE_UNSPECIFIED ? parsed : ErrorCode.VALIDATION_ERROR);
  return { accepted: false, reason, errorCode };
}
