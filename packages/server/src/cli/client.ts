/** Minimal client of the admin HTTP API for the CLI commands. */
import { readFileSync } from "node:fs";
import { ADMIN_HTTP_PORT } from "@sw4rm/protocol";

export const DEFAULT_ADMIN_URL = `http://127.0.0.1:${ADMIN_HTTP_PORT}`;

/** --admin flag > SW4RM_ADMIN_ADDR > default; a bare host:port gets http://. */
export function adminBaseUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const raw = flag?.trim() || env.SW4RM_ADMIN_ADDR?.trim() || DEFAULT_ADMIN_URL;
  const withScheme = /^https?:\/\//i.test(raw) ? raw : `http://${raw.startsWith(":") ? `127.0.0.1${raw}` : raw}`;
  return withScheme.replace(/\/+$/, "");
}

/** Where the admin API is and the bearer credential to send (when the server authenticates callers). */
export interface AdminEndpoint {
  readonly url: string;
  readonly token?: string;
}

/** --token > --token-file > SW4RM_TOKEN > SW4RM_TOKEN_FILE; undefined when none is given. */
export function adminToken(
  flags: { readonly token?: string; readonly tokenFile?: string },
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const fromFile = (file: string) => {
    try {
      return readFileSync(file, "utf8").trim();
    } catch (err) {
      throw new AdminClientError(`cannot read the token file ${file}: ${(err as Error).message}`);
    }
  };
  const token =
    flags.token?.trim() ||
    (flags.tokenFile ? fromFile(flags.tokenFile) : undefined) ||
    env.SW4RM_TOKEN?.trim() ||
    (env.SW4RM_TOKEN_FILE?.trim() ? fromFile(env.SW4RM_TOKEN_FILE.trim()) : undefined);
  return token || undefined;
}

export class AdminClientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "AdminClientError";
  }
}

export interface AdminRequest {
  readonly method?: "GET" | "POST";
  readonly body?: unknown;
}

export async function adminFetch(
  endpoint: string | AdminEndpoint,
  path: string,
  request: AdminRequest = {},
): Promise<Response> {
  const { url: base, token } = typeof endpoint === "string" ? { url: endpoint, token: undefined } : endpoint;
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers["content-type"] = "application/json";
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: request.method ?? "GET",
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new AdminClientError(
      `cannot reach the sw4rm admin API at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message}); is \`sw4rm up\` running? Use --admin <url> or SW4RM_ADMIN_ADDR.`,
    );
  }
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } };
      message = parsed.error?.message ?? text;
    } catch {
      // not JSON: show the raw text
    }
    const hint =
      res.status === 401 && token === undefined
        ? " (the server authenticates callers: pass --token <admin token> or set SW4RM_TOKEN)"
        : "";
    throw new AdminClientError(`admin API ${res.status}: ${message}${hint}`, res.status);
  }
  return res;
}

export async function adminJson<T>(
  endpoint: string | AdminEndpoint,
  path: string,
  request: AdminRequest = {},
): Promise<T> {
  return (await (await adminFetch(endpoint, path, request)).json()) as T;
}
