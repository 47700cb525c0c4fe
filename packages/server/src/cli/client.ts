/** Minimal client of the admin HTTP API for the CLI commands. */
import { ADMIN_HTTP_PORT } from "@sw4rm/protocol";

export const DEFAULT_ADMIN_URL = `http://127.0.0.1:${ADMIN_HTTP_PORT}`;

/** --admin flag > SW4RM_ADMIN_ADDR > default; a bare host:port gets http://. */
export function adminBaseUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const raw = flag?.trim() || env.SW4RM_ADMIN_ADDR?.trim() || DEFAULT_ADMIN_URL;
  const withScheme = /^https?:\/\//i.test(raw) ? raw : `http://${raw.startsWith(":") ? `127.0.0.1${raw}` : raw}`;
  return withScheme.replace(/\/+$/, "");
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

export async function adminFetch(base: string, path: string, request: AdminRequest = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: request.method ?? "GET",
      headers: request.body === undefined ? undefined : { "content-type": "application/json" },
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
    throw new AdminClientError(`admin API ${res.status}: ${message}`, res.status);
  }
  return res;
}

export async function adminJson<T>(base: string, path: string, request: AdminRequest = {}): Promise<T> {
  return (await (await adminFetch(base, path, request)).json()) as T;
}
