/**
 * Valid-looking RouterService requests (encoded with ts-proto), so fuzzing also reaches admission,
 * routing, dedup, buffers and ACK handling rather than stopping at field validation: UUID ids,
 * registered producers and recipients, payloads at and just past each message type's limit, TTLs and
 * timestamps at the extremes, duplicate idempotency tokens, ACK payloads in JSON and protobuf.
 */
import {
  Ack,
  DEFAULT_PAYLOAD_LIMITS,
  DeliveryAckRequest,
  type Envelope,
  EnvelopeFactory,
  jsonBytes,
  MessageType,
  SendMessageRequest,
  StreamRequest,
} from "@sw4rm/protocol";
import fc from "fast-check";
import type { MetadataEntry } from "../rawClient.js";
import { anyBytes, anyString } from "./values.js";

const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "application/protobuf",
  "application/octet-stream",
  "image/png",
  "",
  "not a mime",
  "*/*",
];
const STAGES = ["FULFILLED", "read", "ENVELOPE_STATE_FAILED", "bogus"];

function payloadFor(type: MessageType, sizeClass: "small" | "atLimit" | "overLimit"): Uint8Array {
  const limit = DEFAULT_PAYLOAD_LIMITS[type] ?? 0;
  if (sizeClass === "atLimit") return new Uint8Array(limit).fill(0x61);
  if (sizeClass === "overLimit") return new Uint8Array(limit + 1).fill(0x61);
  return new Uint8Array(0);
}

/** JSON ACK bodies, well-formed or not, including deep nesting and wrong types. */
const ackJson: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .record({
      ack_for_message_id: fc.oneof(fc.uuid(), anyString),
      ack_stage: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constantFrom(...STAGES)),
      error_code: fc.oneof(fc.integer({ min: -1, max: 100 }), fc.constantFrom("buffer_full", "nope", "99")),
      note: fc.oneof(anyString, fc.constantFrom("non_preemptible max_ms=99999999999999999999", "yield")),
    })
    .map((o) => jsonBytes(o)),
  fc.constantFrom("[]", "null", "42", '"x"', "{", '{"ack_for_message_id": 5}').map((t) => new TextEncoder().encode(t)),
  fc.constantFrom(1000, 100_000).map((d) => new TextEncoder().encode("[".repeat(d) + "]".repeat(d))),
);

const ackProto: fc.Arbitrary<Uint8Array> = fc
  .record({
    ackForMessageId: fc.oneof(fc.uuid(), anyString),
    ackStage: fc.integer({ min: 0, max: 9 }),
    errorCode: fc.integer({ min: 0, max: 100 }),
    note: anyString,
  })
  .map((a) => Ack.encode(a).finish());

export interface RouterPools {
  /** Registered agent ids (producers and recipients). */
  readonly agents: readonly string[];
  /** Registered agents whose queues are drained (see sinks.ts): messages to them are admitted. */
  readonly sinks: readonly string[];
}

/** A request that should succeed, with the metadata it needs. */
export interface ValidCall {
  readonly body: Uint8Array;
  readonly metadata: MetadataEntry[];
}

const VALID_TYPES = [
  MessageType.DATA,
  MessageType.NOTIFICATION,
  MessageType.TOOL_CALL,
  MessageType.NEGOTIATION,
  MessageType.HITL_INVOCATION,
];

/**
 * A well-formed envelope from a pool agent to a sink, sometimes with a class override, sometimes with
 * a reused idempotency token (then DUPLICATE_DETECTED / ALREADY_IN_PROGRESS): admitted and delivered.
 */
export function validSend(pools: RouterPools): fc.Arbitrary<ValidCall> {
  return fc
    .record({
      producerId: fc.constantFrom(...pools.agents),
      to: fc.constantFrom(...pools.sinks),
      type: fc.constantFrom(...VALID_TYPES),
      value: fc.jsonValue({ maxDepth: 3 }),
      token: fc.option(fc.constantFrom("tok-a", "tok-b"), { freq: 4, nil: undefined }),
      ttlMs: fc.constantFrom(0, 60_000),
      lane: fc.option(fc.constantFrom("PRIVILEGED", "STANDARD", "BULK", "3"), { freq: 2, nil: undefined }),
    })
    .map(({ producerId, to, type, value, token, ttlMs, lane }) => {
      const msg = new EnvelopeFactory({ producerId }).json(type, value, { idempotencyToken: token, ttlMs });
      const metadata: MetadataEntry[] = [["sw4rm-to", to]];
      if (lane !== undefined) metadata.push(["sw4rm-class", lane]);
      return { body: SendMessageRequest.encode({ msg }).finish(), metadata };
    });
}

export function plausibleEnvelope(pools: RouterPools): fc.Arbitrary<Envelope> {
  const agent = fc.oneof(
    { arbitrary: fc.constantFrom(...pools.agents), weight: 5 },
    { arbitrary: anyString, weight: 1 },
  );
  const often = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, weight = 9) =>
    fc.oneof({ arbitrary: usual, weight }, { arbitrary: odd, weight: 1 });
  return fc
    .record({
      messageId: often(fc.uuid(), anyString),
      idempotencyToken: fc.oneof(fc.constant(""), fc.constantFrom("tok-1", "tok-2"), anyString),
      producerId: agent,
      correlationId: fc.oneof({ arbitrary: fc.uuid(), weight: 4 }, { arbitrary: anyString, weight: 1 }),
      sequenceNumber: fc.oneof(fc.bigInt({ min: 1n, max: 100n }), fc.constantFrom(0n, (1n << 64n) - 1n)),
      retryCount: fc.oneof(fc.constant(0), fc.constantFrom(1, 0xffffffff)),
      messageType: often(fc.integer({ min: 1, max: 11 }), fc.constantFrom(0, 12, 99)),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      repoId: fc.oneof(fc.constant(""), anyString),
      worktreeId: fc.oneof(fc.constant(""), anyString),
      hlcTimestamp: fc.oneof(fc.constant(""), fc.constantFrom("1700000000000:0:node", "garbage", "-1:-1:"), anyString),
      ttlMs: fc.constantFrom(0n, 1n, 60_000n, 2n ** 53n + 1n, (1n << 64n) - 1n),
      timestamp: fc.option(
        fc.record({
          seconds: fc.constantFrom(0n, 1_700_000_000n, -(2n ** 63n), 2n ** 63n - 1n, 253_402_300_800n),
          nanos: fc.constantFrom(0, 999_999_999, -1, 2 ** 31 - 1, -(2 ** 31)),
        }),
        { nil: undefined },
      ),
      state: often(fc.constant(0), fc.integer({ min: 1, max: 9 }), 5),
      parentCorrelationId: fc.oneof(fc.constant(""), anyString),
      body: fc.oneof(
        { arbitrary: anyBytes, weight: 6 },
        { arbitrary: fc.constantFrom("small" as const, "atLimit" as const, "overLimit" as const), weight: 1 },
        { arbitrary: ackJson, weight: 2 },
        { arbitrary: ackProto, weight: 1 },
      ),
      lengthSkew: often(fc.constant(0n), fc.constantFrom(1n, -1n)),
    })
    .map(({ body, lengthSkew, ...e }) => {
      const payload = typeof body === "string" ? payloadFor(e.messageType, body) : body;
      const contentLength = BigInt(payload.byteLength) + lengthSkew;
      return { ...e, payload, contentLength: contentLength < 0n ? 0n : contentLength };
    });
}

export const plausibleRouter = {
  sendMessage: (pools: RouterPools) =>
    plausibleEnvelope(pools).map((msg) => SendMessageRequest.encode({ msg }).finish()),
  streamIncoming: (pools: RouterPools) =>
    fc
      .oneof(fc.constantFrom(...pools.agents), anyString)
      .map((agentId) => StreamRequest.encode({ agentId }).finish()),
  ackDelivery: (pools: RouterPools) =>
    fc
      .record({
        agentId: fc.oneof(fc.constantFrom(...pools.agents), anyString),
        seq: fc.oneof(fc.bigInt({ min: 1n, max: 50n }), fc.constantFrom(0n, -1n, 2n ** 63n - 1n, -(2n ** 63n))),
        messageId: fc.oneof(fc.uuid(), anyString),
        outcome: fc.integer({ min: -1, max: 3 }),
      })
      .map((r) => DeliveryAckRequest.encode(r).finish()),
};
