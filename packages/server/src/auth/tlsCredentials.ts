/** grpc-js server credentials from the TLS settings: plaintext, TLS, or TLS requiring client certificates (mTLS). */
import { readFileSync } from "node:fs";
import { ServerCredentials } from "@grpc/grpc-js";
import { type TlsSettings, tlsEnabled } from "./settings.js";

function pem(file: string, what: string, option: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} ${file} (${option}): ${(err as Error).message}`, { cause: err });
  }
}

/** Checks the combination of TLS options; the message names the option to add. */
export function checkTlsSettings(tls: TlsSettings): void {
  if (!tlsEnabled(tls)) {
    if (tls.requireClientCert)
      throw new Error("--tls-require-client-cert (SW4RM_TLS_MODE=mtls) needs TLS: give --tls-cert and --tls-key");
    return;
  }
  if (tls.certFile === undefined) throw new Error("TLS needs a server certificate: give --tls-cert (SW4RM_TLS_CERT_FILE)");
  if (tls.keyFile === undefined) throw new Error("TLS needs the server private key: give --tls-key (SW4RM_TLS_KEY_FILE)");
  if (tls.requireClientCert && tls.caFile === undefined)
    throw new Error("client certificates (mTLS) are verified against a CA: give --tls-ca (SW4RM_TLS_CA_FILE)");
}

export function serverCredentials(tls: TlsSettings): ServerCredentials {
  checkTlsSettings(tls);
  if (!tlsEnabled(tls) || tls.certFile === undefined || tls.keyFile === undefined)
    return ServerCredentials.createInsecure();
  const pair = {
    cert_chain: pem(tls.certFile, "certificate", "--tls-cert"),
    private_key: pem(tls.keyFile, "private key", "--tls-key"),
  };
  const ca = tls.caFile === undefined ? null : pem(tls.caFile, "CA bundle", "--tls-ca");
  return ServerCredentials.createSsl(ca, [pair], tls.requireClientCert);
}
