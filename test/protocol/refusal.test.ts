/** One refusal-reason format and its parser (@sw4rm/protocol), read back from every reason the server emits. */
import {
  ErrorCode,
  formatIdempotencyRefusal,
  formatRefusal,
  parseRefusal,
  refusalCodeText,
} from "@sw4rm/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const CODES = Object.values(ErrorCode).filter(
  (v): v is ErrorCode => typeof v === "number" && v !== ErrorCode.ERROR_CODE_UNSPECIFIED,
);

describe("refusal reasons", () => {
  it("spells codes as the spec does: snake_case, the idempotency outcomes upper case", () => {
    expect(refusalCodeText(ErrorCode.NO_ROUTE)).toBe("no_route");
    expect(refusalCodeText(ErrorCode.BUFFER_FULL)).toBe("buffer_full");
    expect(refusalCodeText(ErrorCode.DUPLICATE_DETECTED)).toBe("DUPLICATE_DETECTED");
    expect(formatRefusal(ErrorCode.NO_ROUTE, 'no registered agent "bob"')).toBe('no_route: no registered agent "bob"');
    expect(
      formatIdempotencyRefusal(ErrorCode.DUPLICATE_DETECTED, {
        originalMessageId: "m1",
        originalStatus: "DELIVERED",
        cachedAt: "2026-01-01T00:00:00.000Z",
      }),
    ).toBe("DUPLICATE_DETECTED original_message_id=m1 original_status=DELIVERED cached_at=2026-01-01T00:00:00.000Z");
  });

  it("parses back what it formats, for every code and any detail", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CODES), fc.string(), (code, detail) => {
        expect(parseRefusal(formatRefusal(code, detail))).toEqual({ code, detail });
      }),
    );
  });

  it("reads the reasons the router and scheduler send today", () => {
    const cases: [string, ErrorCode, string][] = [
      ['no_route: no registered agent "bob"', ErrorCode.NO_ROUTE, 'no registered agent "bob"'],
      [
        'buffer_full: inbound buffer of "bob" is full (10 un-acked messages); retry later',
        ErrorCode.BUFFER_FULL,
        'inbound buffer of "bob" is full (10 un-acked messages); retry later',
      ],
      [
        "validation_error: content_length: 3 does not match the payload (5 bytes)",
        ErrorCode.VALIDATION_ERROR,
        "content_length: 3 does not match the payload (5 bytes)",
      ],
      ["ttl_expired: ttl_ms ran out before delivery", ErrorCode.TTL_EXPIRED, "ttl_ms ran out before delivery"],
      ["permission_denied: alice may not send as bob", ErrorCode.PERMISSION_DENIED, "alice may not send as bob"],
      ["overloaded: the store cannot write (disk full)", ErrorCode.OVERLOADED, "the store cannot write (disk full)"],
      [
        "DUPLICATE_DETECTED original_message_id=m1 original_status=FULFILLED cached_at=2026-01-01T00:00:00.000Z",
        ErrorCode.DUPLICATE_DETECTED,
        "original_message_id=m1 original_status=FULFILLED cached_at=2026-01-01T00:00:00.000Z",
      ],
      ["ALREADY_IN_PROGRESS original_message_id=m2", ErrorCode.ALREADY_IN_PROGRESS, "original_message_id=m2"],
      [
        "DUPLICATE_DETECTED: task t1 already finished (DONE at 2026-01-01T00:00:00.000Z)",
        ErrorCode.DUPLICATE_DETECTED,
        "task t1 already finished (DONE at 2026-01-01T00:00:00.000Z)",
      ],
    ];
    for (const [reason, code, detail] of cases) expect(parseRefusal(reason), reason).toEqual({ code, detail });
  });

  it("gives ERROR_CODE_UNSPECIFIED (and the whole text) for a reason that names no code", () => {
    for (const reason of ["", "queue is busy", "overloaded system", "42: nope", "error_code_unspecified: x"])
      expect(parseRefusal(reason), reason).toEqual({ code: ErrorCode.ERROR_CODE_UNSPECIFIED, detail: reason });
  });
});
