// Independent reference encoder: the .proto text in /proto loaded by protobufjs reflection.
// It shares nothing with the ts-proto generated code (no descriptors, no codecs), so byte equality
// between the two is a real cross-implementation check of the wire contract.
import { readdirSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

export const PROTO_DIR = fileURLToPath(new URL("../../../proto/", import.meta.url));

/** The 17 sw4rm .proto file names, sorted. */
export function protoFileNames(): string[] {
  return readdirSync(PROTO_DIR)
    .filter((f) => f.endsWith(".proto"))
    .sort();
}

let cached: protobuf.Root | undefined;

/**
 * Loads every sw4rm .proto with `keepCase: true` (field names as written in the .proto).
 * Bare imports ("common.proto") resolve against PROTO_DIR; google/protobuf/*.proto come from
 * protobufjs's bundled common definitions (protobufjs checks `protobuf.common` before resolvePath,
 * and the resolver below leaves those names untouched).
 */
export function loadProtoRoot(): protobuf.Root {
  if (cached) return cached;
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => {
    if (target.startsWith("google/protobuf/")) return target;
    return isAbsolute(target) ? target : join(PROTO_DIR, target);
  };
  root.loadSync(protoFileNames(), { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

/** Looks up a message type by fully-qualified name (without leading dot). */
export function messageType(fqn: string): protobuf.Type {
  return loadProtoRoot().lookupType(fqn);
}

/** Lowercase hex of a byte array, for readable diffs. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
