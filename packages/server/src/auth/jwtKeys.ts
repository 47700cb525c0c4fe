/**
 * Verification keys for bearer JWTs, read once at start-up:
 * - a shared-secret file → HS256 (at least 32 bytes; one trailing newline is ignored);
 * - a public-key file → RS256 (RSA) or ES256 (EC P-256): PEM public key or certificate, one JWK, or
 *   a JWKS (`{"keys": [...]}`, keys picked by `kid`/`alg`). Private keys are refused: the server
 *   only verifies.
 */
import { createPublicKey, type JsonWebKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from "jose";

export const MIN_HS256_SECRET_BYTES = 32;
export const ASYMMETRIC_ALGORITHMS = ["RS256", "ES256"] as const;

export type PublicKeys =
  | { readonly kind: "key"; readonly key: KeyObject; readonly algorithm: "RS256" | "ES256" }
  | { readonly kind: "jwks"; readonly resolve: JWTVerifyGetKey };

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read the JWT ${what} file ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export function loadSecret(file: string): Uint8Array {
  const bytes = read(file, "secret");
  const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1) : bytes.length;
  const secret = bytes.subarray(0, end);
  if (secret.length < MIN_HS256_SECRET_BYTES)
    throw new Error(
      `JWT secret ${file} holds ${secret.length} bytes; HS256 needs at least ${MIN_HS256_SECRET_BYTES} ` +
        `(e.g. \`openssl rand -base64 48 > ${file}\`)`,
    );
  return new Uint8Array(secret);
}

function algorithmOf(key: KeyObject, file: string): "RS256" | "ES256" {
  if (key.asymmetricKeyType === "rsa") return "RS256";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const kind = `${key.asymmetricKeyType ?? "unknown"}${curve ? ` (${curve})` : ""}`;
  throw new Error(`JWT public key ${file} is ${kind}: use an RSA key (RS256) or an EC P-256 key (ES256)`);
}

function fromJson(json: unknown, file: string): PublicKeys {
  if (typeof json !== "object" || json === null) throw new Error(`JWT public key ${file}: expected a JWK or JWKS object`);
  if ("keys" in json) {
    const set = json as JSONWebKeySet;
    if (!Array.isArray(set.keys) || set.keys.length === 0)
      throw new Error(`JWKS ${file}: "keys" must be a non-empty array`);
    if (set.keys.some((k) => typeof k === "object" && k !== null && "d" in k))
      throw new Error(`JWKS ${file} contains a private key ("d"); give only public keys`);
    return { kind: "jwks", resolve: createLocalJWKSet(set) };
  }
  const jwk = json as JWK;
  if ("d" in jwk) throw new Error(`JWK ${file} is a private key ("d"); give only the public key`);
  const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
  return { kind: "key", key, algorithm: algorithmOf(key, file) };
}

export function loadPublicKeys(file: string): PublicKeys {
  const text = read(file, "public key").toString("utf8").trim();
  try {
    if (text.startsWith("{")) return fromJson(JSON.parse(text), file);
    if (text.includes("PRIVATE KEY-----"))
      throw new Error(`JWT public key ${file} is a private key; give the public key (\`openssl pkey -pubout\`)`);
    const key = text.includes("-----BEGIN CERTIFICATE-----")
      ? new X509Certificate(text).publicKey
      : createPublicKey({ key: text, format: "pem" });
    return { kind: "key", key, algorithm: algorithmOf(key, file) };
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes(file)) throw err;
    throw new Error(`JWT public key ${file}: ${message}`, { cause: err });
  }
}
