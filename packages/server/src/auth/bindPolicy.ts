/**
 * Start-up rule: a server reachable from other hosts must authenticate its callers. Binding any
 * non-loopback address (gRPC or admin) without authentication is refused unless `--insecure`.
 */
import { isIP } from "node:net";

/** localhost, 127.0.0.0/8, ::1 (and their v4-mapped forms). Wildcards (0.0.0.0, ::) and other names are not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^::ffff:127\./.test(h) || /^(0{1,4}:){7}0{0,3}1$/.test(h);
  return false;
}

export interface BindCheck {
  /** What is bound, e.g. "router 0.0.0.0:50051". */
  readonly label: string;
  readonly host: string;
}

/**
 * The binds reachable from other hosts; throws when there are some, no authentication is configured
 * and --insecure was not given.
 */
export function checkExposure(binds: readonly BindCheck[], authenticated: boolean, insecure: boolean): BindCheck[] {
  const exposed = binds.filter((b) => !isLoopbackHost(b.host));
  if (exposed.length === 0 || authenticated || insecure) return exposed;
  throw new Error(
    `refusing to start: ${exposed.map((b) => b.label).join(", ")} ${exposed.length === 1 ? "is" : "are"} ` +
      "reachable from other hosts " +
      "but no authentication is configured. Configure callers' credentials with --auth-tokens <file>, " +
      "--auth-jwt-secret <file> or --auth-jwt-public-key <file>, or mTLS (--tls-cert, --tls-key, --tls-ca, " +
      "--tls-require-client-cert); or bind to 127.0.0.1; or pass --insecure (SW4RM_INSECURE=1) to accept an " +
      "unauthenticated server.",
  );
}
