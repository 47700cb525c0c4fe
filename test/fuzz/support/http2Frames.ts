/**
 * HTTP/2 frames and HPACK header blocks built by hand (RFC 9113, RFC 7541), so the fuzzer can send
 * frames no HTTP/2 library would: lying lengths, unknown types, DATA on stream 0, invalid HPACK.
 */

export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export const FrameType = {
  data: 0x0,
  headers: 0x1,
  priority: 0x2,
  rstStream: 0x3,
  settings: 0x4,
  pushPromise: 0x5,
  ping: 0x6,
  goaway: 0x7,
  windowUpdate: 0x8,
  continuation: 0x9,
} as const;

export const Flags = { endStream: 0x1, ack: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 } as const;

export interface FrameSpec {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Uint8Array;
  /** Length written in the header; defaults to the payload's real length. */
  readonly claimedLength?: number;
}

/** 9-byte frame header + payload. */
export function frame(f: FrameSpec): Buffer {
  const head = Buffer.alloc(9);
  const len = f.claimedLength ?? f.payload.byteLength;
  head.writeUIntBE(len & 0xffffff, 0, 3);
  head.writeUInt8(f.type & 0xff, 3);
  head.writeUInt8(f.flags & 0xff, 4);
  head.writeUInt32BE(f.stream >>> 0, 5);
  return Buffer.concat([head, f.payload]);
}

export function settings(pairs: readonly (readonly [id: number, value: number])[], ack = false): Buffer {
  const p = Buffer.alloc(pairs.length * 6);
  pairs.forEach(([id, value], i) => {
    p.writeUInt16BE(id & 0xffff, i * 6);
    p.writeUInt32BE(value >>> 0, i * 6 + 2);
  });
  return frame({ type: FrameType.settings, flags: ack ? Flags.ack : 0, stream: 0, payload: p });
}

export function windowUpdate(stream: number, increment: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(increment >>> 0, 0);
  return frame({ type: FrameType.windowUpdate, flags: 0, stream, payload: p });
}

export function rstStream(stream: number, code: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(code >>> 0, 0);
  return frame({ type: FrameType.rstStream, flags: 0, stream, payload: p });
}

export function ping(data: Uint8Array = Buffer.alloc(8), ack = false): Buffer {
  return frame({ type: FrameType.ping, flags: ack ? Flags.ack : 0, stream: 0, payload: data });
}

/** HPACK integer with an N-bit prefix (RFC 7541 §5.1); `first` carries the pattern bits above the prefix. */
function hpackInt(value: number, prefixBits: number, first: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [first | value];
  const out = [first | max];
  let v = value - max;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function hpackString(s: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(hpackInt(s.byteLength, 7, 0)), s]);
}

/** A header block of "literal without indexing, new name" fields (no Huffman, no dynamic table). */
export function hpackBlock(headers: readonly (readonly [name: string, value: string | Uint8Array])[]): Buffer {
  return Buffer.concat(
    headers.map(([n, v]) =>
      Buffer.concat([
        Buffer.from([0x00]),
        hpackString(Buffer.from(n, "latin1")),
        hpackString(typeof v === "string" ? Buffer.from(v, "latin1") : v),
      ]),
    ),
  );
}

export function headersFrame(stream: number, block: Uint8Array, endStream = false, endHeaders = true): Buffer {
  const flags = (endHeaders ? Flags.endHeaders : 0) | (endStream ? Flags.endStream : 0);
  return frame({ type: FrameType.headers, flags, stream, payload: block });
}

export function dataFrame(stream: number, payload: Uint8Array, endStream = false): Buffer {
  return frame({ type: FrameType.data, flags: endStream ? Flags.endStream : 0, stream, payload });
}

/** A gRPC length-prefixed message (RFC: compressed flag + 4-byte length), optionally lying about either. */
export function grpcMessage(body: Uint8Array, opts: { compressed?: number; claimedLength?: number } = {}): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(opts.compressed ?? 0, 0);
  head.writeUInt32BE((opts.claimedLength ?? body.byteLength) >>> 0, 1);
  return Buffer.concat([head, body]);
}

/** Request headers of a gRPC call to `path` (pseudo-headers first, as RFC 9113 requires). */
export function grpcRequestHeaders(
  path: string,
  extra: readonly (readonly [string, string | Uint8Array])[] = [],
): (readonly [string, string | Uint8Array])[] {
  return [
    [":method", "POST"],
    [":scheme", "http"],
    [":path", path],
    [":authority", "fuzz"],
    ["content-type", "application/grpc"],
    ["te", "trailers"],
    ...extra,
  ];
}
