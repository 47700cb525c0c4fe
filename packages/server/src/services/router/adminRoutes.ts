/**
 * The router's admin routes: queue depths, one message's lifecycle, messages of a correlation id, and
 * the dead-letter queue (spec §21.1: list, requeue, export as NDJSON, purge).
 */
import { errorCodeFromString } from "@sw4rm/protocol";
import { HttpError } from "../../admin/json.js";
import { intParam, isRecord, MAX_LIMIT } from "../../admin/params.js";
import type { AdminRoute } from "../../admin/route.js";
import type { RouterAdmin } from "./admin.js";
import type { DlqFilter } from "./store.js";
import { dlqEntryView, messageView, queueViews } from "./views.js";

function codeParam(value: unknown): DlqFilter["errorCode"] {
  if (value === undefined || value === null || value === "") return undefined;
  const code = errorCodeFromString(String(value));
  if (code === undefined)
    throw new HttpError(400, "bad_request", `code: "${String(value)}" is not an ErrorCode name or number`);
  return code;
}

/** DLQ filter from query parameters (?agent=&code=&limit=&after=&from_ms=&to_ms=) or a JSON object with those keys. */
export function dlqFilter(source: Readonly<Record<string, unknown>>): DlqFilter {
  const str = (k: string) => (source[k] === undefined || source[k] === null ? null : String(source[k]));
  const agent = str("agent");
  return {
    agentId: agent === null || agent === "" ? undefined : agent,
    errorCode: codeParam(source.code),
    limit: intParam(str("limit"), "limit", MAX_LIMIT),
    afterId: intParam(str("after"), "after", Number.MAX_SAFE_INTEGER),
    fromMs: intParam(str("from_ms"), "from_ms", Number.MAX_SAFE_INTEGER),
    toMs: intParam(str("to_ms"), "to_ms", Number.MAX_SAFE_INTEGER),
  };
}

const EXPORT_PAGE = 500;

export function routerAdminRoutes(admin: RouterAdmin): AdminRoute[] {
  return [
    {
      method: "GET",
      pattern: /^\/v1\/queues$/,
      handler: async () => ({ queues: queueViews(await admin.queueDepths()) }),
    },
    {
      method: "GET",
      pattern: /^\/v1\/messages\/([^/]+)$/,
      handler: async ({ params }) => {
        const id = params[0] ?? "";
        const message = await admin.message(id);
        if (!message) throw new HttpError(404, "not_found", `no message with id ${id}`);
        return { message: messageView(message) };
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/messages$/,
      handler: async ({ url }) => {
        const cid = url.searchParams.get("correlation_id");
        if (!cid) throw new HttpError(400, "bad_request", "correlation_id query parameter is required");
        return { messages: (await admin.messagesByCorrelation(cid)).map(messageView) };
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/dlq$/,
      handler: async ({ url }) => ({
        entries: (await admin.dlq.list(dlqFilter(Object.fromEntries(url.searchParams)))).map(dlqEntryView),
      }),
    },
    {
      method: "POST",
      pattern: /^\/v1\/dlq\/requeue$/,
      handler: async ({ body }) => {
        const b = await body();
        const ids = isRecord(b) ? b.ids : undefined;
        if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => Number.isSafeInteger(i) && i > 0))
          throw new HttpError(400, "bad_request", 'body must be {"ids": [<dlq entry id>, ...]} with positive integer ids');
        const queued = await admin.dlq.requeue(ids as number[]);
        return {
          requested: ids.length,
          requeued: queued.map((q) => ({ agent_id: q.agentId, seq: q.seq.toString() })),
        };
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/dlq\/export$/,
      handler: async ({ url, res }) => {
        const filter = dlqFilter(Object.fromEntries(url.searchParams));
        res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8" });
        let afterId = filter.afterId ?? 0;
        let remaining = filter.limit ?? Number.POSITIVE_INFINITY;
        while (remaining > 0) {
          const page = await admin.dlq.list({ ...filter, afterId, limit: Math.min(EXPORT_PAGE, remaining) });
          for (const entry of page) res.write(`${JSON.stringify(dlqEntryView(entry))}\n`);
          const last = page.at(-1);
          if (!last || page.length < EXPORT_PAGE) break;
          afterId = last.id;
          remaining -= page.length;
        }
        res.end();
        return undefined;
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/dlq\/purge$/,
      handler: async ({ body }) => {
        const b = await body();
        // An explicit filter object is required so an empty POST cannot wipe the DLQ by accident.
        if (!isRecord(b) || !isRecord(b.filter))
          throw new HttpError(400, "bad_request", 'body must be {"filter": {"agent"?, "code"?, ...}} ({} purges everything)');
        return { purged: await admin.dlq.purge(dlqFilter(b.filter)) };
      },
    },
  ];
}
