/**
 * The HTTP admin/introspection server (node:http): the JSON routes modules contribute, Prometheus
 * /metrics and /healthz. A path of a service that does not run in this process answers 503 saying so.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { AdminAuthorizer } from "../auth/adminAccess.js";
import type { Logger } from "../contracts.js";
import type { BindAddress } from "../process/address.js";
import { formatAddress } from "../process/address.js";
import { HttpError, sendError, sendJson } from "./json.js";
import type { AdminRoute } from "./route.js";

export interface AdminServer {
  /** e.g. http://127.0.0.1:50080 */
  readonly url: string;
  close(): Promise<void>;
}

export interface AdminServerDeps {
  readonly routes: readonly AdminRoute[];
  /** Path prefixes of services that are not running here: answered 503 naming the service. */
  readonly notRunning?: readonly { readonly prefix: string; readonly service: string }[];
  readonly metrics: Registry;
  readonly logger: Logger;
  /** Checks each request's credential before routing (auth on); absent = open, as without auth. */
  readonly authorize?: AdminAuthorizer;
}

const MAX_BODY_BYTES = 1024 * 1024;

const HEALTH: AdminRoute = { method: "GET", pattern: /^\/healthz$/, handler: async () => ({ status: "ok" }) };

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES)
        reject(new HttpError(413, "too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`));
      else chunks.push(c);
    });
    req.on("error", reject);
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, "bad_json", "request body is not valid JSON"));
      }
    });
  });
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpError(400, "bad_request", `path segment "${value}" is not valid percent-encoding`);
  }
}

export function matchRoute(
  routes: readonly AdminRoute[],
  method: string,
  path: string,
): { route: AdminRoute; params: string[] } | "method" | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: m.slice(1).map((p) => decodeParam(p ?? "")) };
  }
  return pathMatched ? "method" : undefined;
}

export async function startAdminServer(address: BindAddress, deps: AdminServerDeps): Promise<AdminServer> {
  const routes = [HEALTH, ...deps.routes];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://admin");
    await deps.authorize?.(req, res, url.pathname);
    if (req.method === "GET" && url.pathname === "/metrics") {
      const text = await deps.metrics.metrics();
      res.writeHead(200, { "content-type": deps.metrics.contentType });
      res.end(text);
      return;
    }
    const match = matchRoute(routes, req.method ?? "GET", url.pathname);
    if (match === undefined) {
      const absent = deps.notRunning?.find((n) => url.pathname === n.prefix || url.pathname.startsWith(`${n.prefix}/`));
      if (absent)
        throw new HttpError(503, "unavailable", `the ${absent.service} service is not running in this server`);
      throw new HttpError(404, "not_found", `no route ${url.pathname}`);
    }
    if (match === "method")
      throw new HttpError(405, "method_not_allowed", `${req.method} not allowed on ${url.pathname}`);
    const body = await match.route.handler({ url, params: match.params, body: () => readJson(req), res });
    if (body !== undefined && !res.headersSent) sendJson(res, 200, body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        deps.logger.error({ err, url: req.url }, "admin request failed mid-response");
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return sendError(res, err);
      deps.logger.error({ err, url: req.url }, "admin request failed");
      sendError(res, new HttpError(500, "internal", err instanceof Error ? err.message : String(err)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) =>
      reject(new Error(`cannot bind admin HTTP ${formatAddress(address)}: ${err.message}`)),
    );
    server.listen(address.port, address.host.replace(/^\[|\]$/g, ""), () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${formatAddress({ host: address.host, port })}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
