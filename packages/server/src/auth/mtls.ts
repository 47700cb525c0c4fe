/**
 * Identity from a verified client certificate (mTLS). grpc-js only reports the peer certificate of
 * a connection whose certificate chained to the configured CA (`socket.authorized`).
 *
 * A URI SAN `sw4rm://agent/<id>` names the agent; `sw4rm://admin/<id>` an admin; otherwise the
 * subject CN is the agent id.
 */
import type { CallerInfo, Principal } from "../contracts.js";

/** grpc-js's AuthContext (not exported from its entry point). */
type AuthContext = ReturnType<CallerInfo["getAuthContext"]>;

const SAN_URI = /^sw4rm:\/\/(agent|admin)\/([^/?#\s]+)$/;

function uriSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(/,\s*/)
    .filter((s) => s.startsWith("URI:"))
    .map((s) => s.slice(4));
}

/** The principal a verified client certificate stands for, or undefined without one (or without an id in it). */
export function principalFromPeer(context: AuthContext): Principal | undefined {
  const cert = context.sslPeerCertificate;
  if (context.transportSecurityType !== "ssl" || !cert) return undefined;
  for (const uri of uriSans(cert.subjectaltname)) {
    const m = SAN_URI.exec(uri);
    if (m?.[1] && m[2]) return { agentId: decodeURIComponent(m[2]), admin: m[1] === "admin", method: "mtls" };
  }
  const cn: unknown = cert.subject?.CN;
  return typeof cn === "string" && cn.trim() !== "" ? { agentId: cn.trim(), admin: false, method: "mtls" } : undefined;
}
