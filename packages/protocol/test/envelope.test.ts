import { describe, expect, it } from "vitest";
import {
  acceptsContentType,
  EnvelopeFactory,
  EnvelopeState,
  ErrorCode,
  isEnvelopeExpired,
  ManualClock,
  MessageType,
  timestampToMs,
  validateEnvelope,
} from "../src/index.js";

const clock = () => new ManualClock(1_767_225_600_000);

describe("EnvelopeFactory (three-ID model, spec §11.3)", () => {
  it("creates a fresh UUIDv4 message_id per envelope and keeps a given correlation_id", () => {
    const f = new EnvelopeFactory({ producerId: "a", clock: clock() });
    const a = f.create({ messageType: MessageType.DATA, correlationId: "flow-1" });
    const b = f.create({ messageType: MessageType.DATA, correlationId: "flow-1" });
    expect(a.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.messageId).not.toBe(b.messageId);
    expect(a.correlationId).toBe("flow-1");
  });

  it("generates a correlation_id when absent", () => {
    const f = new EnvelopeFactory({ producerId: "a", clock: clock() });
    const e = f.create({ messageType: MessageType.DATA });
    expect(e.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("numbers envelopes monotonically per producer, not a constant 1 (contradiction 10)", () => {
    const f = new EnvelopeFactory({ producerId: "a", clock: clock() });
    const seqs = Array.from({ length: 5 }, () => f.create({ messageType: MessageType.DATA }).sequenceNumber);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
    expect(seqs[0]).not.toBe(1n);
  });

  it("a restarted producer keeps counting upwards (sequence seeded from the clock)", () => {
    const c = clock();
    const first = new EnvelopeFactory({ producerId: "a", clock: c }).create({ messageType: MessageType.DATA });
    c.advance(5);
    const second = new EnvelopeFactory({ producerId: "a", clock: c }).create({ messageType: MessageType.DATA });
    expect(second.sequenceNumber > first.sequenceNumber).toBe(true);
  });

  it("sets content_length to the payload byte size (UTF-8, not characters)", () => {
    const f = new EnvelopeFactory({ producerId: "a", clock: clock() });
    const e = f.create({ messageType: MessageType.DATA, payload: "λ😀" });
    expect(e.contentLength).toBe(6n);
    expect(e.contentType).toBe("text/plain; charset=utf-8");
    const j = f.json(MessageType.DATA, { big: 2n ** 60n });
    expect(new TextDecoder().decode(j.payload)).toBe('{"big":"1152921504606846976"}');
    expect(j.contentType).toBe("application/json");
    expect(j.contentLength).toBe(BigInt(j.payload.byteLength));
  });

  it("fills timestamp, hlc_timestamp, ttl and state", () => {
    const c = clock();
    const f = new EnvelopeFactory({ producerId: "node-a", clock: c });
    const e = f.create({ messageType: MessageType.CONTROL, ttlMs: 500 });
    expect(timestampToMs(e.timestamp)).toBe(c.now());
    expect(e.hlcTimestamp).toBe(`${c.now()}.0.node-a`);
    expect(e.ttlMs).toBe(500n);
    expect(e.state).toBe(EnvelopeState.ENVELOPE_STATE_SENT);
  });

  it("retry(): new message_id, same token, correlation and sequence, retry_count + 1", () => {
    const f = new EnvelopeFactory({ producerId: "a", clock: clock() });
    const first = f.create({ messageType: MessageType.DATA, idempotencyToken: "a:op:1234", payload: "x" });
    const second = f.retry(first);
    const third = f.retry(second);
    expect(second.messageId).not.toBe(first.messageId);
    expect(third.messageId).not.toBe(second.messageId);
    expect(second.idempotencyToken).toBe("a:op:1234");
    expect(second.correlationId).toBe(first.correlationId);
    expect(second.sequenceNumber).toBe(first.sequenceNumber);
    expect([second.retryCount, third.retryCount]).toEqual([1, 2]);
  });

  it("TTL expiry counts from the envelope timestamp", () => {
    const c = clock();
    const f = new EnvelopeFactory({ producerId: "a", clock: c });
    const e = f.create({ messageType: MessageType.DATA, ttlMs: 1000 });
    expect(isEnvelopeExpired(e, c.now() + 999)).toBe(false);
    expect(isEnvelopeExpired(e, c.now() + 1000)).toBe(true);
    expect(isEnvelopeExpired(f.create({ messageType: MessageType.DATA }), c.now() + 1e12)).toBe(false);
  });
});

describe("validateEnvelope names the bad field", () => {
  const f = new EnvelopeFactory({ producerId: "a", clock: clock() });
  const ok = () => f.create({ messageType: MessageType.DATA, payload: "hello", contentType: "text/plain" });

  it("accepts a well-formed envelope", () => {
    expect(validateEnvelope(ok())).toBeUndefined();
  });

  it.each([
    ["message_id", { messageId: "" }, ErrorCode.VALIDATION_ERROR],
    ["message_id", { messageId: "not-a-uuid" }, ErrorCode.VALIDATION_ERROR],
    ["producer_id", { producerId: "" }, ErrorCode.VALIDATION_ERROR],
    ["correlation_id", { correlationId: "" }, ErrorCode.VALIDATION_ERROR],
    ["sequence_number", { sequenceNumber: 0n }, ErrorCode.VALIDATION_ERROR],
    ["message_type", { messageType: MessageType.MESSAGE_TYPE_UNSPECIFIED }, ErrorCode.VALIDATION_ERROR],
    ["message_type", { messageType: 42 as MessageType }, ErrorCode.UNSUPPORTED_MESSAGE_TYPE],
    ["content_length", { contentLength: 4n }, ErrorCode.VALIDATION_ERROR],
    ["content_type", { contentType: "" }, ErrorCode.VALIDATION_ERROR],
    ["content_type", { contentType: "nonsense" }, ErrorCode.VALIDATION_ERROR],
    ["state", { state: 99 as EnvelopeState }, ErrorCode.VALIDATION_ERROR],
    ["producer_id", { producerId: "a\nb" }, ErrorCode.VALIDATION_ERROR],
  ] as const)("names %s", (field, patch, code) => {
    const issue = validateEnvelope({ ...ok(), ...patch });
    expect(issue?.field).toBe(field);
    expect(issue?.code).toBe(code);
    expect(issue?.message).toContain(field);
  });

  it("enforces the per-type payload limit with OVERSIZE_PAYLOAD (doc §4.2), configurable", () => {
    const big = f.create({ messageType: MessageType.CONTROL, payload: new Uint8Array(64 * 1024 + 1) });
    expect(validateEnvelope(big)?.code).toBe(ErrorCode.OVERSIZE_PAYLOAD);
    expect(validateEnvelope(big)?.message).toMatch(/65537 bytes exceeds the 65536-byte limit for CONTROL/);
    expect(validateEnvelope(big, { payloadLimits: { [MessageType.CONTROL]: 1 << 20 } })).toBeUndefined();
  });

  it("reports an expired TTL as TTL_EXPIRED when given the time", () => {
    const c = clock();
    const g = new EnvelopeFactory({ producerId: "a", clock: c });
    const e = g.create({ messageType: MessageType.DATA, ttlMs: 10 });
    expect(validateEnvelope(e, { nowMs: c.now() + 5 })).toBeUndefined();
    expect(validateEnvelope(e, { nowMs: c.now() + 10 })?.code).toBe(ErrorCode.TTL_EXPIRED);
  });
});

describe("acceptsContentType (spec §12 modalities)", () => {
  it("matches ignoring parameters and case, honours wildcards", () => {
    expect(acceptsContentType(["application/json"], "Application/JSON; charset=utf-8")).toBe(true);
    expect(acceptsContentType(["application/json"], "text/plain")).toBe(false);
    expect(acceptsContentType(["image/*"], "image/png")).toBe(true);
    expect(acceptsContentType(["*/*"], "audio/ogg")).toBe(true);
    expect(acceptsContentType([], "")).toBe(true);
  });
});
