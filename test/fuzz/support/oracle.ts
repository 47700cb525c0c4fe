/**
 * The verdict on one response. Acceptable: a response that decodes as the RPC's response type (a
 * protocol rejection must carry a reason), or a status other than UNKNOWN with a non-empty message.
 * Problems: UNKNOWN, an empty message, DEADLINE_EXCEEDED on a unary call (a hang), UNAVAILABLE or
 * CANCELLED (the server went away), INTERNAL (malformed input must be INVALID_ARGUMENT or a
 * rejection). grpc-js's own INTERNAL "Error deserializing request" is reported as its own outcome,
 * `INTERNAL(undecodable)`, and asserted separately (see README: finding F1).
 */
import { status } from "@grpc/grpc-js";
import type { RpcSchema } from "./descriptors.js";
import type { H2Outcome, H2Request } from "./http2Requests.js";
import type { CallOutcome, StreamOutcome } from "./rawClient.js";

export interface Verdict {
  /** Outcome bucket for the counters, e.g. "ok", "rejected", "INVALID_ARGUMENT". */
  readonly outcome: string;
  readonly problem?: string;
}

export const UNDECODABLE = "INTERNAL(undecodable)";
const GRPC_JS_TRANSPORT_ERRORS = /^(Invalid grpc-timeout value|Failed to decompress message)/;
const GRPC_UNDECODABLE_DETAILS = "Error deserializing request";

const statusName = (code: number): string => status[code] ?? `STATUS_${code}`;

/** HTTP/2 error codes nghttp2 uses to refuse header blocks it will not decode. */
const HEADER_REFUSALS: Readonly<Record<string, string>> = { "9": "COMPRESSION_ERROR", "11": "ENHANCE_YOUR_CALM" };

export interface CallContext {
  readonly unary: boolean;
  /**
   * The call carried metadata beyond what HTTP/2 implementations accept (a header field over 64 KiB,
   * thousands of keys). nghttp2 refuses such header blocks at the connection level (GOAWAY
   * COMPRESSION_ERROR / RST_STREAM ENHANCE_YOUR_CALM) before gRPC sees the call; grpc-js clients
   * report that as INTERNAL "Received RST_STREAM with code 9". That is the transport refusing the
   * input, which is acceptable; the same status on an ordinary call is not.
   */
  readonly oversizeHeaders: boolean;
}

function judgeStatus(code: number, details: string, ctx: CallContext): Verdict {
  const outcome = statusName(code);
  const rst = /^Received RST_STREAM with code (\d+)/.exec(details)?.[1];
  const refusal = rst === undefined ? undefined : HEADER_REFUSALS[rst];
  if (ctx.oversizeHeaders && refusal) return { outcome: `RST_STREAM(${refusal})` };
  if (code === status.UNKNOWN) return { outcome, problem: `UNKNOWN status (${JSON.stringify(details)})` };
  if (details.trim() === "") return { outcome, problem: `${outcome} with an empty message` };
  if (code === status.INTERNAL && details === GRPC_UNDECODABLE_DETAILS) return { outcome: UNDECODABLE };
  // grpc-js itself, before any sw4rm code runs, answers a malformed grpc-timeout header and a body that
  // does not decompress with its grpc-encoding so: clear, and only fixable in grpc-js (README: F10).
  if (code === status.INTERNAL && GRPC_JS_TRANSPORT_ERRORS.test(details)) return { outcome: "INTERNAL(grpc-js)" };
  if (code === status.INTERNAL) return { outcome, problem: `INTERNAL: ${details}` };
  if (code === status.DEADLINE_EXCEEDED && ctx.unary) return { outcome, problem: `hang: ${details}` };
  if (code === status.UNAVAILABLE || code === status.CANCELLED)
    return { outcome, problem: `${outcome} (server gone?): ${details}` };
  return { outcome };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

export function judgeUnary(rpc: RpcSchema, out: CallOutcome, oversizeHeaders: boolean): Verdict {
  if (out.kind === "error") return judgeStatus(out.code, out.details, { unary: true, oversizeHeaders });
  let res: unknown;
  try {
    res = rpc.decodeResponse(out.bytes);
  } catch (e) {
    return { outcome: "ok", problem: `response does not decode as ${rpc.name}'s response: ${String(e)}` };
  }
  if (isRecord(res) && res.accepted === false) {
    if (typeof res.reason !== "string" || res.reason.trim() === "")
      return { outcome: "rejected", problem: "accepted=false without a reason" };
    // Bucket by the reason's leading code ("buffer_full: ...", "agent_id: ...", "DUPLICATE_DETECTED ...").
    return { outcome: `rejected(${/^[\w.]+/.exec(res.reason)?.[0] ?? "?"})` };
  }
  return { outcome: "ok" };
}

/** Server streams: still open when we cancel is fine (long-lived), ending or failing clearly is fine. */
export function judgeStream(out: StreamOutcome, oversizeHeaders: boolean): Verdict {
  if (out.kind === "open") return { outcome: "open" };
  if (out.kind === "ended") return { outcome: "ended" };
  return judgeStatus(out.code, out.details, { unary: false, oversizeHeaders });
}

/** Server-streaming and bidi methods, which may stay open as long as the client likes. */
export function isLongLived(path: string): boolean {
  return /\/(StreamIncoming|Session)$/.test(path);
}

/** node:http2 requests: a gRPC content type must get a gRPC status; anything fully sent must be answered. */
export function judgeH2(req: H2Request, out: H2Outcome): Verdict {
  switch (out.kind) {
    case "client-refused":
      return { outcome: "client-refused" };
    case "open":
      if (isLongLived(req.path)) return { outcome: "open (long-lived stream)" };
      return req.endStream
        ? { outcome: "open", problem: `hang: no response to a complete request (${req.how})` }
        : { outcome: "open (never half-closed)" };
    case "reset":
      return { outcome: `reset(${out.code})` };
    case "response": {
      const grpc = (req.headers["content-type"] ?? "").startsWith("application/grpc");
      if (!grpc || out.status !== 200) return { outcome: `http ${out.status}` };
      if (out.grpcStatus === undefined) return { outcome: "http 200", problem: "gRPC response without grpc-status" };
      if (out.grpcStatus === 0) return { outcome: "OK" };
      // With a grpc-timeout of its own, DEADLINE_EXCEEDED is the answer the client asked for.
      const unary = req.headers["grpc-timeout"] === undefined;
      return judgeStatus(out.grpcStatus, out.grpcMessage ?? "", { unary, oversizeHeaders: false });
    }
  }
}
