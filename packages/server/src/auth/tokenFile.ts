/**
 * Bearer tokens from a token file (format: tokenFileFormat.ts). Only SHA-256 hashes are kept; a
 * presented token is hashed and compared with every entry in constant time. The file is re-read when
 * it changes (checked at most once per `recheckMs` of the injected clock) or on reload(); a broken
 * edit is logged and the previous tokens stay in force.
 */
import { readFileSync, statSync } from "node:fs";
import { timingSafeEqual } from "node:crypto";
import type { Clock } from "@sw4rm/protocol";
import type { Logger } from "../contracts.js";
import type { Authentication } from "./authentication.js";
import { hashToken, parseTokenFile, type TokenEntry } from "./tokenFileFormat.js";

export const TOKEN_FILE_RECHECK_MS = 1_000;

function stampOf(file: string): string {
  const s = statSync(file);
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

export class TokenFile {
  readonly file: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #recheckMs: number;
  #entries: readonly TokenEntry[];
  #stamp: string;
  #checkedAtMs: number;

  /** Loads the file; throws (naming the file) when it cannot be read or is invalid. */
  constructor(file: string, deps: { clock: Clock; logger: Logger; recheckMs?: number }) {
    this.file = file;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#recheckMs = deps.recheckMs ?? TOKEN_FILE_RECHECK_MS;
    try {
      this.#stamp = stampOf(file);
      this.#entries = parseTokenFile(readFileSync(file, "utf8"), file);
    } catch (err) {
      if ((err as Error).message.startsWith("token file ")) throw err;
      throw new Error(`cannot read token file ${file}: ${(err as Error).message}`, { cause: err });
    }
    this.#checkedAtMs = this.#clock.now();
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Re-reads the file now. Returns false (and keeps the current tokens) when it is unreadable or invalid. */
  reload(): boolean {
    try {
      // Remember the version even when it is broken: it is retried only once the file changes again.
      this.#stamp = stampOf(this.file);
      const entries = parseTokenFile(readFileSync(this.file, "utf8"), this.file);
      this.#entries = entries;
      this.#logger.info({ file: this.file, tokens: entries.length }, "auth: token file loaded");
      return true;
    } catch (err) {
      this.#logger.error({ err, file: this.file }, "auth: token file reload failed; keeping the previous tokens");
      return false;
    }
  }

  /** The credential for `token`, or undefined when the file has no such token. */
  lookup(token: string): Authentication | undefined {
    this.#reloadIfChanged();
    const hash = hashToken(token);
    const entry = this.#find(hash);
    if (!entry) return undefined;
    return {
      principal: { agentId: entry.agentId, admin: entry.admin, method: "token" },
      stillValid: () => {
        this.#reloadIfChanged();
        const now = this.#find(hash);
        return now !== undefined && now.agentId === entry.agentId && now.admin === entry.admin;
      },
    };
  }

  /** Compares with every entry (no early exit), so timing does not depend on which entry matches. */
  #find(hash: Buffer): TokenEntry | undefined {
    let found: TokenEntry | undefined;
    for (const e of this.#entries) {
      if (timingSafeEqual(e.hash, hash) && found === undefined) found = e;
    }
    return found;
  }

  #reloadIfChanged(): void {
    const now = this.#clock.now();
    if (now - this.#checkedAtMs < this.#recheckMs) return;
    this.#checkedAtMs = now;
    let stamp: string;
    try {
      stamp = stampOf(this.file);
    } catch (err) {
      this.#logger.error({ err, file: this.file }, "auth: token file unreadable; keeping the previous tokens");
      return;
    }
    if (stamp !== this.#stamp) this.reload();
  }
}
