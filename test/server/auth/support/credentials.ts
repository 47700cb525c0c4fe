/**
 * Test credentials generated at test time in a temp dir: a token file, an HS256 secret, RSA and EC
 * key pairs (public halves as PEM/JWKS files for the server), and JWT signing helpers (jose).
 * Nothing here is committed or usable outside the test run.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Metadata } from "@grpc/grpc-js";
import { type JWTPayload, SignJWT } from "jose";

export const sha256Hex = (token: string) => createHash("sha256").update(token).digest("hex");

export function bearer(token: string): Metadata {
  const md = new Metadata();
  md.set("authorization", `Bearer ${token}`);
  return md;
}

export interface TokenSpec {
  readonly agentId?: string;
  readonly admin?: boolean;
  /** Stored as plain `token` instead of `sha256`. */
  readonly plain?: boolean;
}

/** Writes a token file; returns the file and a random token per name. */
export function writeTokenFile(dir: string, specs: Readonly<Record<string, TokenSpec>>, file = "tokens.json") {
  const tokens: Record<string, string> = {};
  const entries = Object.entries(specs).map(([name, spec]) => {
    const token = `tok-${name}-${randomBytes(16).toString("hex")}`;
    tokens[name] = token;
    return {
      ...(spec.agentId !== undefined ? { agent_id: spec.agentId } : {}),
      ...(spec.admin ? { admin: true } : {}),
      ...(spec.plain ? { token } : { sha256: sha256Hex(token) }),
    };
  });
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({ tokens: entries }, null, 2));
  return { path, tokens };
}

export interface JwtKeys {
  readonly secret: Uint8Array;
  readonly secretFile: string;
  readonly rsa: { readonly privateKey: KeyObject; readonly publicPem: string; readonly publicFile: string };
  readonly ec: { readonly privateKey: KeyObject; readonly publicPem: string; readonly publicFile: string };
  /** JWKS with the RSA (kid "rsa-1") and EC (kid "ec-1") public keys. */
  readonly jwksFile: string;
}

export function writeJwtKeys(dir: string): JwtKeys {
  // A text secret with a trailing newline, as `openssl rand -base64 48 > file` writes it.
  const text = randomBytes(48).toString("base64");
  const secret = new TextEncoder().encode(text);
  const secretFile = join(dir, "jwt-secret");
  writeFileSync(secretFile, `${text}\n`);
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
  const rsaFile = join(dir, "jwt-rsa.pub.pem");
  const ecFile = join(dir, "jwt-ec.pub.pem");
  writeFileSync(rsaFile, pem(rsa.publicKey));
  writeFileSync(ecFile, pem(ec.publicKey));
  const jwksFile = join(dir, "jwks.json");
  writeFileSync(
    jwksFile,
    JSON.stringify({
      keys: [
        { ...rsa.publicKey.export({ format: "jwk" }), kid: "rsa-1", alg: "RS256", use: "sig" },
        { ...ec.publicKey.export({ format: "jwk" }), kid: "ec-1", alg: "ES256", use: "sig" },
      ],
    }),
  );
  return {
    secret,
    secretFile,
    rsa: { privateKey: rsa.privateKey, publicPem: pem(rsa.publicKey), publicFile: rsaFile },
    ec: { privateKey: ec.privateKey, publicPem: pem(ec.publicKey), publicFile: ecFile },
    jwksFile,
  };
}

export interface SignOptions {
  readonly alg?: "HS256" | "RS256" | "ES256";
  readonly kid?: string;
  /** Seconds since the epoch. */
  readonly iat?: number;
  readonly exp?: number;
  readonly nbf?: number;
  readonly iss?: string;
  readonly aud?: string;
}

export async function signJwt(
  key: Uint8Array | KeyObject,
  claims: JWTPayload,
  options: SignOptions = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({
    alg: options.alg ?? "HS256",
    ...(options.kid ? { kid: options.kid } : {}),
  });
  if (options.iat !== undefined) jwt.setIssuedAt(options.iat);
  if (options.exp !== undefined) jwt.setExpirationTime(options.exp);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  if (options.iss !== undefined) jwt.setIssuer(options.iss);
  if (options.aud !== undefined) jwt.setAudience(options.aud);
  return jwt.sign(key);
}
