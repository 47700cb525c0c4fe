import {
  AckStage,
  type Envelope,
  EnvelopeFactory,
  ErrorCode,
  ManualClock,
  MessageType,
  parseAck,
  Sw4rmError,
} from "@sw4rm/protocol";
import { MessageProcessor } from "@sw4rm/sdk";
import { describe, expect, it } from "vitest";

function setup() {
  const clock = new ManualClock();
  const acks: Envelope[] = [];
  const recorded: AckStage[] = [];
  const proc = new MessageProcessor({
    factory: new EnvelopeFactory({ producerId: "bob", clock }),
    clock,
    sendAck: async (ack) => {
      acks.push(ack);
    },
    recordOutcome: (_e, o) => {
      recorded.push(o.stage);
    },
  });
  const alice = new EnvelopeFactory({ producerId: "alice", clock });
  const stages = () => acks.map((a) => parseAck(a).ackStage);
  return { proc, acks, alice, stages, recorded };
}

describe("MessageProcessor", () => {
  it("sends READ then FULFILLED with the handler's result as the note", async () => {
    const { proc, acks, alice, stages, recorded } = setup();
    proc.registerHandler(MessageType.DATA, (m) => ({ echo: m.text() }));
    const env = alice.create({ messageType: MessageType.DATA, payload: "hi" });
    const out = await proc.processMessage(env);
    expect(out.stage).toBe(AckStage.FULFILLED);
    expect(stages()).toEqual([AckStage.READ, AckStage.FULFILLED]);
    expect(parseAck(acks[1] as Envelope)).toMatchObject({ ackForMessageId: env.messageId, note: '{"echo":"hi"}' });
    expect(recorded).toEqual([AckStage.FULFILLED]);
  });

  it("Sw4rmError chooses the code: validation → REJECTED, internal → FAILED", async () => {
    const { proc, acks, alice } = setup();
    proc.registerHandler(MessageType.DATA, () => {
      throw new Sw4rmError(ErrorCode.PERMISSION_DENIED, "nope");
    });
    proc.setDefaultHandler(() => {
      throw new Error("boom");
    });
    await proc.processMessage(alice.create({ messageType: MessageType.DATA }));
    await proc.processMessage(alice.create({ messageType: MessageType.NOTIFICATION }));
    const terminal = acks.map(parseAck).filter((a) => a.ackStage !== AckStage.READ);
    expect(terminal.map((a) => [a.ackStage, a.errorCode])).toEqual([
      [AckStage.REJECTED, ErrorCode.PERMISSION_DENIED],
      [AckStage.FAILED, ErrorCode.INTERNAL_ERROR],
    ]);
  });

  it("rejects invalid envelopes without READ, and unknown types with UNSUPPORTED_MESSAGE_TYPE", async () => {
    const { proc, acks, alice } = setup();
    const bad = { ...alice.create({ messageType: MessageType.DATA, payload: "x" }), contentLength: 99n };
    const out = await proc.processMessage(bad);
    expect([out.stage, out.errorCode]).toEqual([AckStage.REJECTED, ErrorCode.VALIDATION_ERROR]);
    const out2 = await proc.processMessage(alice.create({ messageType: MessageType.TOOL_CALL }));
    expect(out2.errorCode).toBe(ErrorCode.UNSUPPORTED_MESSAGE_TYPE);
    expect(acks.map((a) => parseAck(a).ackStage)).toEqual([AckStage.REJECTED, AckStage.REJECTED]);
  });

  it("never ACKs an ACK", async () => {
    const { proc, acks, alice } = setup();
    proc.setDefaultHandler(() => "seen");
    await proc.processMessage(alice.create({ messageType: MessageType.ACKNOWLEDGEMENT, payload: "{}" }));
    expect(acks).toEqual([]);
  });
});
