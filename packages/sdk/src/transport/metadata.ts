import { randomUUID } from "node:crypto";
import { Metadata } from "@grpc/grpc-js";
import { METADATA } from "@sw4rm/protocol";

/** Builds call metadata: client-wide entries, per-call entries, and `x-correlation-id` (generated if absent). */
export function buildMetadata(
  base: Readonly<Record<string, string>> | undefined,
  perCall: Readonly<Record<string, string>> | undefined,
  correlationId: string | undefined,
): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries({ ...base, ...perCall })) md.set(k, v);
  const existing = md.get(METADATA.correlationId)[0];
  md.set(METADATA.correlationId, correlationId ?? (typeof existing === "string" ? existing : randomUUID()));
  return md;
}
