/**
 * Regression (fuzz finding F1, router part): undecodable request bytes get INVALID_ARGUMENT naming the
 * problem on every RouterService method, not grpc-js's INTERNAL "Error deserializing request".
 */
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { status } from "@grpc/grpc-js";
import { EnvelopeFactory, MessageType, SendMessageRequest, SendMessageResponse } from "@sw4rm/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgents } from "../support/agents.js";
import { UNDECODABLE_BODIES } from "./support/probes.js";
import { RawClient } from "./support/rawClient.js";

describe("router: undecodable requests", () => {
  let server: TestStack;
  let client: RawClient;
  beforeAll(async () => {
    server = await startTestStack();
    client = new RawClient(server.routerAddr);
  });
  afterAll(async () => {
    client?.close();
    await server?.cleanup();
  });

  it.each([
    ["SendMessage", "sw4rm.router.SendMessageRequest"],
    ["AckDelivery", "sw4rm.router.DeliveryAckRequest"],
  ])("%s answers INVALID_ARGUMENT naming %s", async (method, type) => {
    for (const [how, body] of UNDECODABLE_BODIES) {
      const out = await client.unary(`/sw4rm.router.RouterService/${method}`, body);
      expect(out, how).toMatchObject({ kind: "error", code: status.INVALID_ARGUMENT });
      const details = new RegExp(`^request body is not a valid ${type} \\(.+\\)$`);
      if (out.kind === "error") expect(out.details, how).toMatch(details);
    }
  });

  it("StreamIncoming ends with INVALID_ARGUMENT naming sw4rm.router.StreamRequest", async () => {
    const out = await client.serverStream("/sw4rm.router.RouterService/StreamIncoming", Buffer.from([0x0f]), [], 2_000);
    expect(out).toMatchObject({ kind: "error", code: status.INVALID_ARGUMENT });
    if (out.kind === "error") expect(out.details).toMatch(/^request body is not a valid sw4rm\.router\.StreamRequest/);
  });

  it("still admits a well-formed SendMessage (the raw envelope capture is unaffected)", async () => {
    await registerAgents(server.registryAddr, "reg-a", "reg-b");
    const msg = new EnvelopeFactory({ producerId: "reg-a", clock: server.clock }).json(MessageType.DATA, { ok: 1 });
    const out = await client.unary(
      "/sw4rm.router.RouterService/SendMessage",
      Buffer.from(SendMessageRequest.encode({ msg }).finish()),
      [["sw4rm-to", "reg-b"]],
    );
    expect(out.kind).toBe("ok");
    if (out.kind === "ok") expect(SendMessageResponse.decode(out.bytes)).toEqual({ accepted: true, reason: "" });
  });
});
