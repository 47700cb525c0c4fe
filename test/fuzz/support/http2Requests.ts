/**
 * Well-formed HTTP/2 (node:http2) carrying wrong gRPC: other methods than POST, unknown or absurd
 * paths, wrong content types, missing `te`, junk grpc-timeout / grpc-encoding, compressed-flag lies,
 * a gzip bomb, gRPC length prefixes that lie, two messages for a unary call, never-ending requests.
 */
import { connect, constants } from "node:http2";
import { gzipSync } from "node:zlib";
import { MAX_GRPC_MESSAGE_BYTES } from "@sw4rm/protocol";
import fc from "fast-check";
import { grpcMessage } from "./http2Frames.js";

export interface H2Request {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** false: the client never half-closes (the server may legitimately wait). */
  readonly endStream: boolean;
  readonly how: string;
}

export type H2Outcome =
  | { readonly kind: "response"; readonly status: number; readonly grpcStatus?: number; readonly grpcMessage?: string }
  | { readonly kind: "reset"; readonly code: number }
  | { readonly kind: "open" }
  | { readonly kind: "client-refused"; readonly error: string };

/** 20 MiB of zeros, gzip-compressed to a few KiB: decompressed it exceeds the server's message limit. */
let bomb: Buffer | undefined;
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(MAX_GRPC_MESSAGE_BYTES + 4 * 1024 * 1024));
  return bomb;
}

const PATHS = [
  "/sw4rm.router.RouterService/SendMessage",
  "/sw4rm.router.RouterService/StreamIncoming",
  "/sw4rm.router.RouterService/AckDelivery",
  "/sw4rm.registry.RegistryService/RegisterAgent",
  "/sw4rm.scheduler.SchedulerService/SubmitTask",
  "/grpc.health.v1.Health/Check",
  // The router's bidi fast path (proto/ext/router_session.proto): not in the brief's structured set,
  // but on the same port, so it gets the malformed-HTTP/2 treatment too.
  "/sw4rm.ext.router.v1.RouterSession/Session",
];

const path = fc.oneof(
  { arbitrary: fc.constantFrom(...PATHS), weight: 5 },
  {
    arbitrary: fc.constantFrom(
      "/",
      "/sw4rm.router.RouterService/",
      "/sw4rm.router.RouterService/SendMessage/extra",
      "/sw4rm.router.RouterService/SendMessage?x=1",
      "/a/b/c",
      "/%00",
      "/\u00ff\u00fe",
      "*",
      `/${"x".repeat(8000)}`,
    ),
    weight: 3,
  },
);

type BodyKind = readonly [how: string, body: Buffer];

const body: fc.Arbitrary<BodyKind> = fc.oneof(
  fc.constant<BodyKind>(["empty message", grpcMessage(Buffer.alloc(0))]),
  fc.uint8Array({ maxLength: 64 }).map((b): BodyKind => ["random message", grpcMessage(Buffer.from(b))]),
  fc.uint8Array({ maxLength: 4 }).map((b): BodyKind => ["truncated prefix", Buffer.from(b)]),
  fc.constant<BodyKind>(["no body", Buffer.alloc(0)]),
  fc
    .uint8Array({ maxLength: 64 })
    .map((b): BodyKind => ["compressed flag, not gzip", grpcMessage(Buffer.from(b), { compressed: 1 })]),
  fc
    .uint8Array({ maxLength: 64 })
    .map((b): BodyKind => ["gzip message", grpcMessage(gzipSync(Buffer.from(b)), { compressed: 1 })]),
  fc
    .integer({ min: 2, max: 255 })
    .map((flag): BodyKind => ["compressed flag > 1", grpcMessage(Buffer.alloc(3), { compressed: flag })]),
  fc.constant<BodyKind>(["length prefix longer than the body", grpcMessage(Buffer.alloc(4), { claimedLength: 1000 })]),
  fc.constant<BodyKind>(["length prefix 4 GiB", grpcMessage(Buffer.alloc(4), { claimedLength: 0xffffffff })]),
  fc.constant<BodyKind>(["two messages", Buffer.concat([grpcMessage(Buffer.alloc(0)), grpcMessage(Buffer.alloc(0))])]),
  // built on first use (about 50 ms), not at import
  fc.constant(null).map((): BodyKind => ["gzip bomb", grpcMessage(gzipBomb(), { compressed: 1 })]),
);

export const h2Request: fc.Arbitrary<H2Request> = fc
  .record({
    method: fc.oneof(
      { arbitrary: fc.constant("POST"), weight: 6 },
      { arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"), weight: 1 },
    ),
    path,
    contentType: fc.oneof(
      { arbitrary: fc.constantFrom("application/grpc", "application/grpc+proto"), weight: 5 },
      {
        arbitrary: fc.constantFrom("application/grpc+json", "application/grpcx", "application/json", "text/plain", ""),
        weight: 2,
      },
      { arbitrary: fc.constant(undefined), weight: 1 },
    ),
    te: fc.boolean(),
    encoding: fc.option(fc.constantFrom("gzip", "deflate", "identity", "bogus", "snappy"), { freq: 3 }),
    timeout: fc.option(fc.constantFrom("1n", "0S", "abc", "99999999M", "100000000H", "-5m", "1"), { freq: 4 }),
    body,
    endStream: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
  })
  .map((r) => {
    const headers: Record<string, string> = {};
    if (r.contentType !== undefined) headers["content-type"] = r.contentType;
    if (r.te) headers.te = "trailers";
    if (r.encoding !== null) headers["grpc-encoding"] = r.encoding;
    if (r.timeout !== null) headers["grpc-timeout"] = r.timeout;
    // A gzip body needs its encoding header to mean anything; keep it when the draw chose none.
    if (r.body[0].startsWith("gzip") && r.encoding === null) headers["grpc-encoding"] = "gzip";
    const open = r.endStream ? "" : " (never half-closed)";
    const how = `${r.method} ${r.path.slice(0, 60)} ct=${r.contentType ?? "-"} ${r.body[0]}${open}`;
    return { method: r.method, path: r.path, headers, body: r.body[1], endStream: r.endStream, how };
  });

/** Sends one request on a fresh session; resolves with what came back within `waitMs`. */
export function sendH2(address: string, req: H2Request, waitMs: number): Promise<H2Outcome> {
  return new Promise((resolve) => {
    const session = connect(`http://${address}`);
    session.on("error", () => undefined);
    let settled = false;
    let status: number | undefined;
    let grpcStatus: number | undefined;
    let grpcMsg: string | undefined;
    const done = (o: H2Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ kind: "open" }), waitMs);
    const take = (h: Record<string, unknown>) => {
      if (typeof h[":status"] === "number") status = h[":status"];
      const gs = h["grpc-status"];
      if (gs !== undefined) grpcStatus = Number(gs);
      const gm = h["grpc-message"];
      if (typeof gm === "string") grpcMsg = decodeURIComponent(gm);
    };
    try {
      const stream = session.request(
        { [constants.HTTP2_HEADER_METHOD]: req.method, [constants.HTTP2_HEADER_PATH]: req.path, ...req.headers },
        { endStream: false },
      );
      stream.on("response", take);
      stream.on("trailers", take);
      stream.on("data", () => undefined);
      stream.on("error", () => undefined);
      stream.on("close", () => {
        if (status !== undefined) done({ kind: "response", status, grpcStatus, grpcMessage: grpcMsg });
        else done({ kind: "reset", code: stream.rstCode ?? -1 });
      });
      if (req.endStream) stream.end(req.body);
      else stream.write(req.body);
    } catch (e) {
      done({ kind: "client-refused", error: String(e) });
    }
  });
}
