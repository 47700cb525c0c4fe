/**
 * A throwaway PKI for mTLS tests, made with the openssl CLI in a temp dir: a CA, a server certificate
 * for 127.0.0.1/localhost, client certificates (by CN or by URI SAN), and a second, untrusted CA.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function opensslAvailable(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

export interface Pki {
  readonly ca: CertFiles;
  readonly server: CertFiles;
  /** A client certificate signed by the CA: subject CN, optional extra SANs (e.g. "URI:sw4rm://agent/x"). */
  client(name: string, cn: string, sans?: readonly string[]): CertFiles;
  /** A client certificate signed by a CA the server does not trust. */
  untrustedClient(name: string, cn: string): CertFiles;
  read(file: string): Buffer;
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function makeCa(dir: string, name: string): CertFiles {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  openssl(dir, ["req", "-x509", "-new", "-key", key, "-sha256", "-days", "2", "-subj", `/CN=${name}`, "-out", cert]);
  return { cert, key };
}

function issue(dir: string, ca: CertFiles, name: string, cn: string, ext: string): CertFiles {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  openssl(dir, ["req", "-new", "-key", key, "-subj", `/CN=${cn}`, "-out", csr]);
  openssl(dir, [
    "x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial",
    "-days", "2", "-sha256", "-extfile", extFile, "-out", cert,
  ]);
  return { cert, key };
}

export function makePki(dir: string): Pki {
  const ca = makeCa(dir, "test-ca");
  const other = makeCa(dir, "other-ca");
  const server = issue(
    dir,
    ca,
    "server",
    "localhost",
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  const clientExt = (sans: readonly string[]) =>
    `extendedKeyUsage=clientAuth\n${sans.length > 0 ? `subjectAltName=${sans.join(",")}\n` : ""}`;
  return {
    ca,
    server,
    client: (name, cn, sans = []) => issue(dir, ca, name, cn, clientExt(sans)),
    untrustedClient: (name, cn) => issue(dir, other, name, cn, clientExt([])),
    read: (file) => readFileSync(file),
  };
}
