/**
 * Property-based fuzzing of the RouterSession fast path (structured frames and raw bytes): every
 * send is answered (accepted or with a reason), a broken stream ends with INVALID_ARGUMENT naming the
 * problem, and the router keeps serving well-formed sessions afterwards.
 */
import { type ClientDuplexStream, credentials, Metadata, makeGenericClientConstructor, status } from "@grpc/grpc-js";
import { Envelope, MessageType, routerSession as wire } from "@sw4rm/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const RUNS = Number(process.env.SW4RM_FUZZ_RUNS ?? 40);
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ inboundBufferCapacity: 100_000 });
  h.directory.add("alice");
  h.directory.add("bob");
});
afterAll(() => h.close());

type Outcome = { frames: wire.ServerFrame[]; status: number; details: string };

/** Writes raw frame bytes on one Session stream, half-closes, and collects everything until it ends. */
function exchange(frames: readonly Uint8Array[]): Promise<Outcome> {
  const Raw = makeGenericClientConstructor(
    {
      session: {
        path: "/sw4rm.ext.router.v1.RouterSession/Session",
        requestStream: true,
        responseStream: true,
        requestSerialize: (b: Uint8Array) => Buffer.from(b),
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Uint8Array) => Buffer.from(b),
        responseDeserialize: (b: Buffer) => wire.ServerFrame.decode(b),
      },
    },
    "RawSession",
  );
  const client = new Raw(h.address, credentials.createInsecure());
  const open = client.session as (md: Metadata, o: object) => ClientDuplexStream<Uint8Array, wire.ServerFrame>;
  return new Promise((resolve) => {
    const out: Outcome = { frames: [], status: -1, details: "" };
    const call = open.call(client, new Metadata(), { deadline: Date.now() + 10_000 });
    call.on("data", (f: wire.ServerFrame) => out.frames.push(f));
    call.on("status", (s: { code: number; details: string }) => {
      out.status = s.code;
      out.details = s.details;
      client.close();
      resolve(out);
    });
    call.on("error", () => undefined);
    for (const f of frames) call.write(f);
    call.end();
  });
}

const goodEnvelope = () =>
  Envelope.encode(h.factory("alice").create({ messageType: MessageType.DATA, payload: "fuzz" })).finish();

const sendArb = fc.record({
  ref: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  envelope: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new Uint8Array()), fc.constant(null)),
  to: fc.array(fc.oneof(fc.constant("bob"), fc.constant("nobody"), fc.string({ maxLength: 8 })), { maxLength: 3 }),
  communicationClass: fc.integer({ min: -2, max: 5 }),
});
const frameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  sendArb.map((s) =>
    wire.ClientFrame.encode({ send: { sends: [{ ...s, envelope: s.envelope ?? goodEnvelope() }] } }).finish(),
  ),
  fc
    .record({ seq: fc.bigInt({ min: -5n, max: 50n }), messageId: fc.string({ maxLength: 40 }), outcome: fc.integer({ min: -1, max: 4 }) })
    .map((a) => wire.ClientFrame.encode({ ack: { acks: [a] } }).finish()),
  fc.nat({ max: 2 ** 32 - 1 }).map((grant) => wire.ClientFrame.encode({ credit: { grant } }).finish()),
  fc.uint8Array({ maxLength: 48 }),
  fc.constant(wire.ClientFrame.encode({}).finish()),
);
const openArb = fc.oneof(
  fc.constant(wire.ClientFrame.encode({ open: { agentId: "alice", receive: false, initialCredit: 0 } }).finish()),
  fc.constant(wire.ClientFrame.encode({ open: { agentId: "bob", receive: true, initialCredit: 4 } }).finish()),
  frameArb,
);

describe("RouterSession under random frames", () => {
  it("answers every frame sequence with results or a clear INVALID_ARGUMENT, never crashes", async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(openArb, fc.array(frameArb, { maxLength: 6 }), async (open, rest) => {
        tried++;
        const out = await exchange([open, ...rest]);
        expect([status.OK, status.INVALID_ARGUMENT]).toContain(out.status);
        if (out.status === status.INVALID_ARGUMENT) expect(out.details.length).toBeGreaterThan(10);
        for (const r of out.frames.flatMap((f) => f.results?.results ?? []))
          expect(r.accepted || /^[a-z_]+: /.test(r.reason)).toBe(true);
      }),
      { numRuns: RUNS, seed: 0x5e55 },
    );
    // Still serving: a well-formed session sends and is answered.
    const ok = await exchange([
      wire.ClientFrame.encode({ open: { agentId: "alice", receive: false, initialCredit: 0 } }).finish(),
      wire.ClientFrame.encode({ send: { sends: [{ ref: 1n, envelope: goodEnvelope(), to: ["bob"], communicationClass: 0 }] } }).finish(),
    ]);
    expect(ok.status).toBe(status.OK);
    expect(ok.frames.flatMap((f) => f.results?.results ?? [])).toEqual([
      { ref: 1n, accepted: true, reason: "", errorCode: 0 },
    ]);
    console.log(`session fuzz: ${tried} frame sequences`);
  });
});
