import { describe, expect, it } from "vitest";
import {
  Ack,
  AckStage,
  buildAckEnvelope,
  EnvelopeFactory,
  ErrorCode,
  isTerminalAckStage,
  ManualClock,
  MessageType,
  parseAck,
  Sw4rmError,
  utf8,
} from "../src/index.js";

const f = new EnvelopeFactory({ producerId: "agent-b", clock: new ManualClock() });
const original = f.create({ messageType: MessageType.DATA, correlationId: "corr-9", payload: "x" });

function ackWith(payload: Uint8Array, contentType = "application/json") {
  return { ...f.create({ messageType: MessageType.ACKNOWLEDGEMENT, payload, contentType }) };
}

describe("ACK codec", () => {
  it("builds the upstream JSON shape with numeric enums and echoes the correlation id", () => {
    const env = buildAckEnvelope(f, {
      ackFor: original,
      stage: AckStage.REJECTED,
      errorCode: ErrorCode.BUFFER_FULL,
      note: "full",
    });
    expect(env.messageType).toBe(MessageType.ACKNOWLEDGEMENT);
    expect(env.correlationId).toBe("corr-9");
    expect(JSON.parse(new TextDecoder().decode(env.payload))).toEqual({
      ack_for_message_id: original.messageId,
      ack_stage: 4,
      error_code: 1,
      note: "full",
    });
    expect(parseAck(env)).toEqual({
      ackForMessageId: original.messageId,
      ackStage: AckStage.REJECTED,
      errorCode: ErrorCode.BUFFER_FULL,
      note: "full",
    });
  });

  it.each([
    [{ ack_for_message_id: "m", ack_stage: "FULFILLED", error_code: "ERROR_CODE_UNSPECIFIED" }, AckStage.FULFILLED, 0],
    [
      { ack_for_message_id: "m", ack_stage: "rejected", error_code: "buffer_full" },
      AckStage.REJECTED,
      ErrorCode.BUFFER_FULL,
    ],
    [
      { ack_for_message_id: "m", ack_stage: "REJECTED", error_code: "BUFFER_FULL" },
      AckStage.REJECTED,
      ErrorCode.BUFFER_FULL,
    ],
    [{ ackForMessageId: "m", ackStage: 5, errorCode: "ttl_expired" }, AckStage.FAILED, ErrorCode.TTL_EXPIRED],
    [{ ack_for_message_id: "m", ack_stage: "2" }, AckStage.READ, 0],
    [
      { ack_for_message_id: "m", ack_stage: "ACK_STAGE_TIMED_OUT", error_code: 3 },
      AckStage.TIMED_OUT,
      ErrorCode.ACK_TIMEOUT,
    ],
  ])("parses liberally %j", (body, stage, code) => {
    const ack = parseAck(ackWith(utf8(JSON.stringify(body))));
    expect(ack.ackStage).toBe(stage);
    expect(ack.errorCode).toBe(code);
  });

  it("parses a protobuf-encoded Ack when the content type is application/protobuf", () => {
    const bytes = Ack.encode({ ackForMessageId: "m-1", ackStage: AckStage.READ, errorCode: 0, note: "n" }).finish();
    expect(parseAck(ackWith(bytes, "application/protobuf"))).toEqual({
      ackForMessageId: "m-1",
      ackStage: AckStage.READ,
      errorCode: 0,
      note: "n",
    });
  });

  it.each([
    ["not json", utf8("{oops"), /not valid UTF-8 JSON/],
    ["array", utf8("[]"), /must be a JSON object/],
    ["missing id", utf8('{"ack_stage":1}'), /ack_for_message_id/],
    ["bad stage", utf8('{"ack_for_message_id":"m","ack_stage":"SLEEPING"}'), /ack_stage has an unknown value/],
    ["invalid utf-8", new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8 JSON/],
  ])("rejects %s with VALIDATION_ERROR", (_name, payload, message) => {
    let caught: unknown;
    try {
      parseAck(ackWith(payload));
    } catch (e) {
      caught = e;
    }
    expect(Sw4rmError.is(caught)).toBe(true);
    expect((caught as Sw4rmError).code).toBe(ErrorCode.VALIDATION_ERROR);
    expect((caught as Sw4rmError).message).toMatch(message);
  });

  it("refuses a non-ACK envelope", () => {
    expect(() => parseAck(original)).toThrow(/not an ACKNOWLEDGEMENT/);
  });

  it("knows the terminal stages", () => {
    expect([1, 2, 3, 4, 5, 6].map((s) => isTerminalAckStage(s as AckStage))).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});
