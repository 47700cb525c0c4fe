import { readFileSync } from "node:fs";
import { ChannelCredentials, type ClientOptions } from "@grpc/grpc-js";
import { type Clock, DEFAULTS, MAX_GRPC_MESSAGE_BYTES, resolveServiceAddress, type ServiceName } from "@sw4rm/protocol";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";

/** TLS settings: server-authenticated TLS, or mTLS when a client certificate and key are given. */
export interface TlsOptions {
  /** PEM root certificate(s) as bytes, or a file path. System roots when absent. */
  readonly ca?: Uint8Array | string;
  /** PEM client certificate chain (mTLS), bytes or file path. */
  readonly cert?: Uint8Array | string;
  /** PEM client private key (mTLS), bytes or file path. */
  readonly key?: Uint8Array | string;
}

/** Options shared by every SW4RM service client. */
export interface ClientOptions_ {
  /** `host:port` or `http(s)://host:port`. Default: the service's SW4RM_*_ADDR env var, else `localhost:<default port>`. */
  readonly address?: string;
  /** Per-call deadline when the call gives none. Default DEFAULTS.rpcDeadlineMs (30 s). */
  readonly deadlineMs?: number;
  /** Backoff for retry-safe calls (see RETRY_SAFE_METHODS). */
  readonly retry?: Partial<RetryPolicy>;
  /** `true` for TLS with system roots, an object for custom roots or mTLS. Implied by an `https://` address. */
  readonly tls?: boolean | TlsOptions;
  /** Prebuilt credentials; wins over `tls`. */
  readonly credentials?: ChannelCredentials;
  /** Metadata sent with every call (e.g. auth tokens). */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Bearer credential (a token-file token or a JWT) sent as `authorization: Bearer <token>` on every
   * call, for servers that authenticate callers. Default: the SW4RM_TOKEN environment variable.
   */
  readonly token?: string;
  /** Added in front of the default user-agent. */
  readonly userAgent?: string;
  /** Time source for backoff sleeps (tests inject a ManualClock). */
  readonly clock?: Clock;
  /** Extra grpc-js channel options. */
  readonly channelOptions?: Partial<ClientOptions>;
  /** Environment to read SW4RM_*_ADDR from. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
export type { ClientOptions_ as Sw4rmClientOptions };

/** Per-call options of every client method. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Deadline of this call (each attempt when retried). */
  readonly deadlineMs?: number;
  /** Sent as `x-correlation-id`; a random UUID otherwise. */
  readonly correlationId?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Override whether this call may be retried (default: the method's entry in RETRY_SAFE_METHODS). */
  readonly retry?: boolean;
}

export interface ResolvedClientConfig {
  readonly target: string;
  readonly credentials: ChannelCredentials;
  readonly deadlineMs: number;
  readonly retry: RetryPolicy;
  readonly channelOptions: Partial<ClientOptions>;
  /** Client-wide metadata: `metadata` plus the bearer `authorization` entry when a token is set. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Metadata key of bearer credentials (RFC 6750 over gRPC metadata). */
export const AUTHORIZATION_METADATA = "authorization";

/** `metadata` plus `authorization: Bearer <token>` (option `token`, else SW4RM_TOKEN). */
export function clientMetadata(options: ClientOptions_): Readonly<Record<string, string>> {
  const env = options.env ?? process.env;
  const token = options.token?.trim() || env.SW4RM_TOKEN?.trim();
  return token ? { ...options.metadata, [AUTHORIZATION_METADATA]: `Bearer ${token}` } : { ...options.metadata };
}

function pem(value: Uint8Array | string | undefined): Buffer | null {
  if (value === undefined) return null;
  if (typeof value !== "string") return Buffer.from(value);
  return value.includes("-----BEGIN") ? Buffer.from(value) : readFileSync(value);
}

export function buildCredentials(tls: boolean | TlsOptions | undefined, impliedTls: boolean): ChannelCredentials {
  if (tls === false || (tls === undefined && !impliedTls)) return ChannelCredentials.createInsecure();
  const o: TlsOptions = typeof tls === "object" ? tls : {};
  return ChannelCredentials.createSsl(pem(o.ca), pem(o.key), pem(o.cert));
}

export function resolveClientConfig(service: ServiceName, options: ClientOptions_ = {}): ResolvedClientConfig {
  const address = resolveServiceAddress(service, options.address, options.env);
  return {
    target: address.target,
    credentials: options.credentials ?? buildCredentials(options.tls, address.tls),
    deadlineMs: options.deadlineMs ?? DEFAULTS.rpcDeadlineMs,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    metadata: clientMetadata(options),
    channelOptions: {
      "grpc.max_receive_message_length": MAX_GRPC_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_GRPC_MESSAGE_BYTES,
      "grpc.primary_user_agent": options.userAgent,
      // The channel's own reconnect backoff (grpc-js: 1 s growing to 120 s) would hold a restarted
      // server unreachable long after the SDK's loops retry; keep it within their 100 ms .. 5 s.
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 5_000,
      ...options.channelOptions,
    },
  };
}
