/**
 * Deterministic probes beside the random runs: oversize requests at and above the gRPC message limit,
 * bodies no decoder accepts, and a normal SendMessage between two fresh agents (the server still
 * does its job after being fuzzed).
 */
import { CONTROL_PLANE_MAX_MESSAGE_BYTES } from "../../../packages/server/src/process/grpcServer.js";
import {
  EnvelopeFactory,
  MAX_GRPC_MESSAGE_BYTES,
  MessageType,
  SendMessageRequest,
  SendMessageResponse,
} from "@sw4rm/protocol";
import { type FieldSchema, FieldType, type RpcSchema } from "./descriptors.js";
import type { FuzzServer } from "./fuzzServer.js";
import { registerPoolAgents } from "./pools.js";
import { concat, field, tag, varint, WireType } from "./wire.js";

/** A body of exactly `size` bytes that decodes as an empty request (one unknown bytes field). */
export function bodyOfSize(size: number): Buffer {
  const fieldNo = 999;
  const overhead = (length: number) => tag(fieldNo, WireType.len).byteLength + varint(BigInt(length)).byteLength;
  let payload = size - overhead(size);
  while (payload + overhead(payload) > size) payload--;
  const body = field.bytes(fieldNo, new Uint8Array(payload));
  return Buffer.from(body.byteLength === size ? body : concat([body, new Uint8Array(size - body.byteLength)]));
}

export const AT_LIMIT = MAX_GRPC_MESSAGE_BYTES;
export const OVER_LIMIT = MAX_GRPC_MESSAGE_BYTES + 1;

/** The request size limit of a service's port: the router takes the gRPC maximum, the control plane 1 MiB. */
export function limitOf(service: string): number {
  return service === "router" ? MAX_GRPC_MESSAGE_BYTES : CONTROL_PLANE_MAX_MESSAGE_BYTES;
}

/** Bodies every protobuf decoder must refuse. */
export const UNDECODABLE_BODIES: readonly (readonly [how: string, body: Buffer])[] = [
  ["wire type 7", Buffer.from([0x0f])],
  ["truncated varint", Buffer.from([0x08, 0x80])],
  ["length past the end", Buffer.from([0x0a, 0x05, 0x61])],
  ["wire type 6 after a valid field", Buffer.from([0x0a, 0x00, 0x0e, 0x01])],
  ["groups nested 200 deep", Buffer.concat([Buffer.alloc(200, 0x0b), Buffer.alloc(200, 0x0c)])],
];

export function rpcLabel(rpc: RpcSchema): string {
  return `${rpc.service}.${rpc.name}`;
}

/** Registers two fresh agents and sends one ordinary envelope between them; resolves with the response. */
export async function normalSendMessage(server: FuzzServer): Promise<SendMessageResponse> {
  await registerPoolAgents(server, ["sentinel-a", "sentinel-b"]);
  const msg = new EnvelopeFactory({ producerId: "sentinel-a" }).json(MessageType.DATA, { hello: "after fuzzing" });
  const out = await server.clients.router.unary(
    "/sw4rm.router.RouterService/SendMessage",
    Buffer.from(SendMessageRequest.encode({ msg }).finish()),
    [["sw4rm-to", "sentinel-b"]],
  );
  if (out.kind !== "ok") throw new Error(`SendMessage failed: ${out.code} ${out.details}`);
  return SendMessageResponse.decode(out.bytes);
}

/** `count` copies of one repeated element of `f`, as small as the wire allows; map entries get distinct keys. */
function repeated(f: FieldSchema, budget: number): Buffer {
  if (f.message?.().mapEntry) {
    // entry = tag(f) len(9) { 0x0a 7 "kNNNNNN" }: fixed width, so keys are distinct and writes are cheap
    const head = Buffer.from(concat([tag(f.number, WireType.len), Uint8Array.of(9, 0x0a, 7)]));
    const width = head.byteLength + 7;
    const count = Math.min(Math.floor(budget / width), 10_000_000);
    const out = Buffer.alloc(count * width);
    for (let i = 0; i < count; i++) {
      head.copy(out, i * width);
      out.write(`k${String(i).padStart(6, "0")}`, i * width + head.byteLength, "latin1");
    }
    return out;
  }
  const element = Buffer.from(
    f.type === FieldType.string || f.type === FieldType.bytes || f.type === FieldType.message
      ? field.bytes(f.number, new Uint8Array(0))
      : field.varint(f.number, 0n),
  );
  return Buffer.alloc(Math.floor(budget / element.byteLength) * element.byteLength).fill(element);
}

/**
 * For every repeated or map field of the request (and of its message fields, one level down): a body
 * of about `size` bytes made of that field's smallest elements (millions of them), the most expensive
 * request per byte to decode and process.
 */
export function worstCaseBodies(rpc: RpcSchema, size: number): (readonly [how: string, body: Buffer])[] {
  const out: (readonly [string, Buffer])[] = [];
  for (const f of rpc.request.fields) {
    if (f.repeated) out.push([`${f.name} × max`, repeated(f, size)]);
    const nested = f.message?.();
    if (!nested || f.repeated) continue;
    for (const g of nested.fields.filter((x) => x.repeated))
      out.push([`${f.name}.${g.name} × max`, Buffer.from(field.bytes(f.number, repeated(g, size - 8)))]);
  }
  return out;
}
