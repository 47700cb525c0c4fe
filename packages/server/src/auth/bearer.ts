/** `authorization: Bearer <token>` in gRPC metadata or an HTTP header (RFC 6750 §2.1). */
import type { Metadata } from "@grpc/grpc-js";
import { unauthenticated } from "./errors.js";

export const AUTHORIZATION_KEY = "authorization";

/** The token, undefined when no authorization is sent; throws (unauthenticated) when it is not a Bearer credential. */
export function parseBearer(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(value);
  if (!m?.[1]) throw unauthenticated(`"${AUTHORIZATION_KEY}" must be "Bearer <token>"`);
  return m[1];
}

export function bearerFromMetadata(metadata: Metadata): string | undefined {
  const values = metadata.get(AUTHORIZATION_KEY);
  if (values.length > 1) throw unauthenticated(`send one "${AUTHORIZATION_KEY}" metadata entry, got ${values.length}`);
  const first = values[0];
  return parseBearer(first === undefined ? undefined : String(first));
}
