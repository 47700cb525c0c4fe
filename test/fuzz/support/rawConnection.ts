/**
 * A raw TCP exchange with the gRPC port: write the given bytes, then read what the server sends back
 * (frame headers only; HPACK is not decoded) until it closes the connection or `waitMs` passes.
 */
import { connect } from "node:net";

export interface ServerFrame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly length: number;
}

export interface RawExchange {
  readonly frames: readonly ServerFrame[];
  /** Error code of the server's GOAWAY, if it sent one. */
  readonly goaway?: number;
  /** Error codes of RST_STREAM frames from the server. */
  readonly resets: readonly number[];
  /** The server closed (or reset) the connection before `waitMs`. */
  readonly closedByServer: boolean;
  readonly bytesIn: number;
  readonly error?: string;
}

function parseFrames(buf: Buffer): { frames: ServerFrame[]; goaway?: number; resets: number[] } {
  const frames: ServerFrame[] = [];
  const resets: number[] = [];
  let goaway: number | undefined;
  let at = 0;
  while (at + 9 <= buf.length) {
    const length = buf.readUIntBE(at, 3);
    const stream = buf.readUInt32BE(at + 5) & 0x7fffffff;
    const f = { type: buf.readUInt8(at + 3), flags: buf.readUInt8(at + 4), stream, length };
    if (at + 9 + length > buf.length) break;
    if (f.type === 0x7 && length >= 8) goaway = buf.readUInt32BE(at + 9 + 4);
    if (f.type === 0x3 && length >= 4) resets.push(buf.readUInt32BE(at + 9));
    frames.push(f);
    at += 9 + length;
  }
  return { frames, goaway, resets };
}

/** Sends `chunks` (in order, each as its own write) to host:port and reports what came back. */
export function rawExchange(address: string, chunks: readonly Buffer[], waitMs = 300): Promise<RawExchange> {
  const i = address.lastIndexOf(":");
  const host = address.slice(0, i);
  const port = Number(address.slice(i + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const received: Buffer[] = [];
    let error: string | undefined;
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(received);
      // Skip nothing: the server's first bytes are its SETTINGS frame (no preface from servers).
      resolve({ ...parseFrames(all), closedByServer, bytesIn: all.length, error });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on("data", (b: Buffer) => received.push(b));
    socket.on("error", (e: Error) => {
      error = e.message;
      finish(true);
    });
    socket.on("close", () => finish(true));
    socket.on("connect", () => {
      for (const c of chunks) {
        if (socket.destroyed) break;
        socket.write(c);
      }
    });
  });
}
