/** Fuzz finding F11: a message refused for its correlation_id still gets a (valid) NACK to its producer. */
import { MessageType, parseAck } from "@sw4rm/protocol";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.directory.add("alice");
  h.directory.add("bob");
});
afterEach(() => h.close());

it("NACKs a message with an invalid correlation_id under a fresh correlation", async () => {
  const env = { ...h.factory("alice").create({ messageType: MessageType.DATA, payload: "x" }), correlationId: "bad\u0001id" };
  const res = await h.send(env, ["bob"]);
  expect(res.accepted).toBe(false);
  expect(res.reason).toMatch(/^validation_error: correlation_id: must not contain control characters/);
  const nack = (await h.stream("alice").next()).msg;
  expect(nack?.messageType).toBe(MessageType.ACKNOWLEDGEMENT);
  expect(parseAck(nack!).ackForMessageId).toBe(env.messageId);
  expect(nack?.correlationId).not.toBe(env.correlationId);
  expect(nack?.correlationId).not.toBe("");
});
