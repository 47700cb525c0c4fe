/**
 * The token file: opaque bearer tokens mapped to agent ids. JSON, one entry per credential:
 *
 *     {
 *       "tokens": [
 *         { "agent_id": "planner", "sha256": "<hex SHA-256 of the token>" },
 *         { "agent_id": "ops", "admin": true, "sha256": "<hex SHA-256>" },
 *         { "admin": true, "token": "<plain token, >= 16 chars>", "comment": "admin-only credential" }
 *       ]
 *     }
 *
 * `sha256` (recommended: the file then holds no usable secret) or `token` (plain; hashed on load, never
 * kept in memory). `agent_id` may be omitted only for admin entries (an admin-only credential).
 */
import { createHash } from "node:crypto";

export interface TokenEntry {
  readonly agentId: string;
  readonly admin: boolean;
  /** SHA-256 of the token (32 bytes). */
  readonly hash: Buffer;
}

export const MIN_PLAIN_TOKEN_LENGTH = 16;
const ENTRY_KEYS = new Set(["agent_id", "admin", "sha256", "token", "comment"]);

export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

const isObj = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function parseEntry(raw: unknown, where: string): TokenEntry {
  if (!isObj(raw)) throw new Error(`${where} must be an object`);
  const unknown = Object.keys(raw).filter((k) => !ENTRY_KEYS.has(k));
  if (unknown.length > 0) throw new Error(`${where}: unknown field(s) ${unknown.join(", ")}`);
  const { agent_id: agentId, admin = false, sha256, token } = raw;
  if (typeof admin !== "boolean") throw new Error(`${where}.admin must be true or false`);
  if (agentId !== undefined && (typeof agentId !== "string" || agentId.trim() === ""))
    throw new Error(`${where}.agent_id must be a non-empty string`);
  if (agentId === undefined && !admin) throw new Error(`${where}.agent_id is required (only admin entries may omit it)`);
  if ((sha256 === undefined) === (token === undefined)) throw new Error(`${where}: give exactly one of sha256 or token`);
  let hash: Buffer;
  if (sha256 !== undefined) {
    if (typeof sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(sha256))
      throw new Error(`${where}.sha256 must be 64 hex digits (the SHA-256 of the token)`);
    hash = Buffer.from(sha256, "hex");
  } else {
    if (typeof token !== "string" || token.length < MIN_PLAIN_TOKEN_LENGTH || /\s/.test(token))
      throw new Error(`${where}.token must be at least ${MIN_PLAIN_TOKEN_LENGTH} characters without spaces`);
    hash = hashToken(token);
  }
  return { agentId: typeof agentId === "string" ? agentId.trim() : "", admin, hash };
}

/** Parses and checks a token file's text; errors name the file and the entry. */
export function parseTokenFile(text: string, file: string): TokenEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`token file ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!isObj(raw) || !Array.isArray(raw.tokens))
    throw new Error(`token file ${file}: expected {"tokens": [{"agent_id", "sha256" | "token", "admin"?}, ...]}`);
  const entries = raw.tokens.map((e, i) => {
    try {
      return parseEntry(e, `tokens[${i}]`);
    } catch (err) {
      throw new Error(`token file ${file}: ${(err as Error).message}`);
    }
  });
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    const key = e.hash.toString("hex");
    if (seen.has(key)) throw new Error(`token file ${file}: tokens[${i}] repeats a token of an earlier entry`);
    seen.add(key);
  }
  return entries;
}
