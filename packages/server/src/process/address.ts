/** Bind-address parsing for `sw4rm up` (doc Part 3: services are addressed as host:port). */
import { normalizeAddress } from "@sw4rm/protocol";

export const DEFAULT_BIND_HOST = "127.0.0.1";

export interface BindAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Accepts "host:port", "[v6]:port", ":port", "port" and an http(s):// prefix (the SDK env defaults
 * carry one). Port 0 asks the OS for a free port; the bound one is reported in the readiness line.
 */
export function parseBindAddress(value: string, defaultHost = DEFAULT_BIND_HOST): BindAddress {
  const { target } = normalizeAddress(value);
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d+)$/.exec(target);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`invalid address "${value}": expected host:port, :port or port (port 0..65535)`);
  const host = m[1] === undefined || m[1] === "" ? defaultHost : m[1];
  return { host, port };
}

export function formatAddress(address: BindAddress): string {
  const host = address.host.includes(":") && !address.host.startsWith("[") ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}
