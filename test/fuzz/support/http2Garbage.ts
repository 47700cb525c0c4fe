/**
 * Connection scripts for the raw-socket fuzzing of a gRPC port: random bytes without a preface, a
 * valid preface followed by random or malformed frames (lying lengths, unknown types, bad stream
 * ids), SETTINGS/PING floods, HEADERS with invalid HPACK, DATA on stream 0, rapid-reset (HEADERS +
 * RST_STREAM) storms, and protocol violations a client must never commit.
 */
import fc from "fast-check";
import {
  dataFrame,
  FrameType,
  frame,
  grpcMessage,
  grpcRequestHeaders,
  headersFrame,
  hpackBlock,
  PREFACE,
  ping,
  rstStream,
  settings,
  windowUpdate,
} from "./http2Frames.js";

export interface ConnectionScript {
  readonly how: string;
  readonly chunks: readonly Buffer[];
}

const opening = (): Buffer[] => [PREFACE, settings([]), settings([], true)];

const streamId = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 0x7fffffff, 0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
);

const anyFrame: fc.Arbitrary<Buffer> = fc
  .record({
    type: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 9 }), weight: 4 },
      { arbitrary: fc.integer({ min: 10, max: 255 }), weight: 1 },
    ),
    flags: fc.integer({ min: 0, max: 255 }),
    stream: streamId,
    payload: fc.uint8Array({ maxLength: 64 }),
    lie: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 4 },
      { arbitrary: fc.constantFrom(0, 1, 16_385, 0xffffff), weight: 1 },
    ),
  })
  .map((f) => frame({ type: f.type, flags: f.flags, stream: f.stream, payload: f.payload, claimedLength: f.lie }));

const garbage: fc.Arbitrary<ConnectionScript> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((b) => ({ how: "random bytes", chunks: [Buffer.from(b)] })),
  fc.constantFrom(
    "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "POST /sw4rm.router.RouterService/SendMessage HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0",
    "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n",
    "PRI * HTTP/2.0\r\n",
    "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003",
  ).map((t) => ({ how: `text ${JSON.stringify(t.slice(0, 20))}`, chunks: [Buffer.from(t, "latin1")] })),
  fc
    .uint8Array({ minLength: 1, maxLength: 512 })
    .map((b) => ({ how: "preface + random bytes", chunks: [PREFACE, Buffer.from(b)] })),
);

const randomFrames: fc.Arbitrary<ConnectionScript> = fc
  .array(anyFrame, { minLength: 1, maxLength: 20 })
  .map((frames) => ({ how: `preface + ${frames.length} random frames`, chunks: [...opening(), ...frames] }));

const settingsFlood: fc.Arbitrary<ConnectionScript> = fc
  .tuple(
    fc.constantFrom(100, 1000, 5000),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 6 }),
  )
  .map(([n, pairs]) => ({
    how: `SETTINGS flood x${n}`,
    chunks: [PREFACE, Buffer.concat(Array.from({ length: n }, () => settings(pairs)))],
  }));

const BAD_SETTINGS: readonly (readonly [number, number])[] = [
  [0x2, 2], // ENABLE_PUSH must be 0 or 1
  [0x4, 2 ** 31], // INITIAL_WINDOW_SIZE above 2^31-1
  [0x5, 1], // MAX_FRAME_SIZE below 16384
  [0x5, 2 ** 24], // MAX_FRAME_SIZE above 2^24-1
  [0x1, 0xffffffff],
];

const badSettings: fc.Arbitrary<ConnectionScript> = fc.constantFrom(...BAD_SETTINGS).map(([id, v]) => ({
  how: `SETTINGS ${id}=${v}`,
  chunks: [PREFACE, settings([[id, v]])],
}));

const HPACK_JUNK: readonly Buffer[] = [
  Buffer.from([0x80]), // indexed field, index 0
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]), // index far beyond any table
  Buffer.from([0x3f, 0xff, 0xff, 0xff, 0xff, 0x0f]), // dynamic table size update beyond SETTINGS
  Buffer.from([0x00, 0x81, 0xff, 0x01, 0x61]), // Huffman string with EOS / bad padding
  Buffer.from([0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x7f]), // string length integer overflow
  Buffer.from([0x00, 0x05, 0x61]), // string shorter than its length
];

const invalidHpack: fc.Arbitrary<ConnectionScript> = fc
  .oneof(fc.constantFrom(...HPACK_JUNK), fc.uint8Array({ minLength: 1, maxLength: 128 }).map((b) => Buffer.from(b)))
  .map((block) => ({ how: "HEADERS with invalid HPACK", chunks: [...opening(), headersFrame(1, block, true)] }));

const dataOnStream0: fc.Arbitrary<ConnectionScript> = fc
  .uint8Array({ maxLength: 64 })
  .map((b) => ({ how: "DATA on stream 0", chunks: [...opening(), dataFrame(0, Buffer.from(b), true)] }));

const PATHS = ["/sw4rm.router.RouterService/SendMessage", "/sw4rm.registry.RegistryService/Heartbeat", "/nope/Nope"];

const rstStorm: fc.Arbitrary<ConnectionScript> = fc
  .tuple(fc.constantFrom(100, 1000, 3000), fc.constantFrom(...PATHS), fc.constantFrom(0x0, 0x2, 0x8))
  .map(([n, path, code]) => {
    const block = hpackBlock(grpcRequestHeaders(path));
    const frames: Buffer[] = [];
    for (let i = 0; i < n; i++) frames.push(headersFrame(2 * i + 1, block), rstStream(2 * i + 1, code));
    return { how: `rapid reset x${n} (code ${code}) on ${path}`, chunks: [...opening(), Buffer.concat(frames)] };
  });

const pingFlood: fc.Arbitrary<ConnectionScript> = fc.constantFrom(1000, 10_000).map((n) => ({
  how: `PING flood x${n}`,
  chunks: [...opening(), Buffer.concat(Array.from({ length: n }, () => ping()))],
}));

/** HEADERS of a gRPC call to SendMessage (or Heartbeat) on `stream`. */
const call = (stream: number, endStream = false, path = PATHS[0] ?? "/") =>
  headersFrame(stream, hpackBlock(grpcRequestHeaders(path)), endStream);
const raw = (type: number, flags: number, stream: number, payload: Buffer) => frame({ type, flags, stream, payload });
const script = (how: string, ...frames: Buffer[]): ConnectionScript => ({ how, chunks: [...opening(), ...frames] });

/** Single protocol violations (each a connection or stream error for the server to handle). */
const violations: fc.Arbitrary<ConnectionScript> = fc.constantFrom<ConnectionScript>(
  script("WINDOW_UPDATE increment 0", windowUpdate(0, 0)),
  script("WINDOW_UPDATE overflow", windowUpdate(0, 0x7fffffff), windowUpdate(0, 0x7fffffff)),
  script("CONTINUATION without HEADERS", raw(FrameType.continuation, 4, 1, Buffer.alloc(4))),
  script(
    "HEADERS without END_HEADERS then PING",
    headersFrame(1, hpackBlock(grpcRequestHeaders(PATHS[0] ?? "/")), false, false),
    ping(),
  ),
  script("PUSH_PROMISE from a client", raw(FrameType.pushPromise, 4, 1, Buffer.alloc(8))),
  script("PRIORITY depending on itself", raw(FrameType.priority, 0, 1, Buffer.from([0, 0, 0, 1, 16]))),
  script("even (server) stream id", call(2, true)),
  script("stream ids going backwards", call(5, false, PATHS[1]), call(3, false, PATHS[1])),
  script(
    "DATA larger than the flow-control window",
    call(1),
    ...Array.from({ length: 6 }, () => dataFrame(1, Buffer.alloc(16_384))),
  ),
  script("GOAWAY from the client then a new stream", raw(FrameType.goaway, 0, 0, Buffer.alloc(8)), call(1, true)),
  script("RST_STREAM on an idle stream", rstStream(7, 0)),
  script("frame above MAX_FRAME_SIZE", dataFrame(1, Buffer.alloc(20_000))),
  script(
    "header block split across 1000 CONTINUATIONs",
    headersFrame(1, Buffer.alloc(0), false, false),
    ...Array.from({ length: 1000 }, () => raw(FrameType.continuation, 0, 1, hpackBlock([["x-a", "b"]]))),
  ),
  script(
    "gRPC message claiming 4 GiB",
    call(1),
    dataFrame(1, grpcMessage(Buffer.alloc(10), { claimedLength: 0xffffffff }), true),
  ),
);

/** Every family of connection scripts, each with its own weight. */
export const connectionScript: fc.Arbitrary<ConnectionScript> = fc.oneof(
  { arbitrary: garbage, weight: 3 },
  { arbitrary: randomFrames, weight: 4 },
  { arbitrary: settingsFlood, weight: 1 },
  { arbitrary: badSettings, weight: 1 },
  { arbitrary: invalidHpack, weight: 2 },
  { arbitrary: dataOnStream0, weight: 1 },
  { arbitrary: rstStorm, weight: 1 },
  { arbitrary: pingFlood, weight: 1 },
  { arbitrary: violations, weight: 2 },
);
