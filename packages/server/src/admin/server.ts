/** The HTTP admin/introspection server (node:http): JSON routes plus Prometheus /metrics. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AdminAuthorizer } from "../auth/adminAccess.js";
import type { Logger } from "../contracts.js";
import type { BindAddress } from "../process/address.js";
import { formatAddress } from "../process/address.js";
import type { Components } from "../process/modules.js";
import { HttpError, sendError } from "./json.js";
import { createMetrics } from "./metrics.js";
import { matchRoute, sendBody } from "./routes.js";

export interface AdminServer {
  /** e.g. http://127.0.0.1:50080 */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

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

export async function startAdminServer(
  address: BindAddress,
  deps: {
    readonly components: Readonly<Components>;
    readonly logger: Logger;
    /** Checks each request's credential before routing (auth on); absent = open, as without auth. */
    readonly authorize?: AdminAuthorizer;
  },
): Promise<AdminServer> {
  const metrics = createMetrics(deps.components);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://admin");
    await deps.authorize?.(req, res, url.pathname);
    if (req.method === "GET" && url.pathname === "/metrics") {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(text);
      return;
    }
    const match = matchRoute(req.method ?? "GET", url.pathname);
    if (match === undefined) throw new HttpError(404, "not_found", `no route ${url.pathname}`);
    if (match === "method")
      throw new HttpError(405, "method_not_allowed", `${req.method} not allowed on ${url.pathname}`);
    const body = await match.route.handler({
      components: deps.components,
      url,
      params: match.params,
      body: () => readJson(req),
      res,
    });
    sendBody(res, body);
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
