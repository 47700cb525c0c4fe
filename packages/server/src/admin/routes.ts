/**
 * Admin HTTP+JSON routes (our extension, not part of SW4RM): agents, queues, messages and the DLQ
 * (spec §21.1). Each handler returns a JSON body or throws HttpError.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorCodeFromString } from "@sw4rm/protocol";
import type { Components } from "../process/modules.js";
import { HttpError, sendJson } from "./json.js";
import type { SchedulerAdmin, TaskStatus } from "../scheduler/index.js";
import type { DlqFilter, RouterIntrospection } from "./sources.js";
import { agentView, queueViews } from "./views.js";

export interface RouteContext {
  readonly components: Readonly<Components>;
  readonly url: URL;
  readonly params: readonly string[];
  readonly body: () => Promise<unknown>;
  readonly res: ServerResponse;
}

/** A handler either returns a body (sent as 200 JSON) or writes the response itself and returns undefined. */
type Handler = (ctx: RouteContext) => Promise<unknown>;

interface Route {
  readonly method: "GET" | "POST";
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const MAX_LIMIT = 10_000;

function router(ctx: RouteContext): RouterIntrospection {
  const r = ctx.components.routerAdmin;
  if (!r) throw new HttpError(503, "unavailable", "the router is not running in this process");
  return r;
}

function scheduler(ctx: RouteContext): SchedulerAdmin {
  const s = ctx.components.schedulerAdmin;
  if (!s) throw new HttpError(503, "unavailable", "this server does not run the scheduler");
  return s;
}

function intParam(value: string | null, name: string, max: number): number | undefined {
  if (value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new HttpError(400, "bad_request", `${name}: expected an integer 0..${max}, got "${value}"`);
  return n;
}

function codeParam(value: unknown): DlqFilter["errorCode"] {
  if (value === undefined || value === null || value === "") return undefined;
  const code = errorCodeFromString(String(value));
  if (code === undefined)
    throw new HttpError(400, "bad_request", `code: "${String(value)}" is not an ErrorCode name or number`);
  return code;
}

/** DLQ filter from query parameters (?agent=&code=&limit=&after=) or a JSON object with the same keys. */
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

const TASK_STATUSES: readonly TaskStatus[] = ["QUEUED", "DISPATCHED", "RUNNING", "DONE", "FAILED"];
const isTaskStatus = (v: string): v is TaskStatus => (TASK_STATUSES as readonly string[]).includes(v);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export const ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^\/healthz$/, handler: async () => ({ status: "ok" }) },
  {
    method: "GET",
    pattern: /^\/v1\/agents$/,
    handler: async ({ components }) => ({ agents: (components.directory?.list() ?? []).map(agentView) }),
  },
  {
    method: "GET",
    pattern: /^\/v1\/queues$/,
    handler: async (ctx) => ({ queues: queueViews(await router(ctx).queueDepths()) }),
  },
  {
    method: "GET",
    pattern: /^\/v1\/tasks$/,
    handler: async (ctx) => {
      const tasks = scheduler(ctx);
      const agentId = ctx.url.searchParams.get("agent") ?? undefined;
      const status = ctx.url.searchParams.get("status") ?? undefined;
      if (status !== undefined && !isTaskStatus(status))
        throw new HttpError(400, "bad_request", `status must be one of ${TASK_STATUSES.join(", ")}, got "${status}"`);
      return { tasks: await tasks.tasks({ agentId, status }), agent_timeouts: tasks.agentTimeouts() };
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/tasks\/([^/]+)$/,
    handler: async (ctx) => {
      const id = decodeURIComponent(ctx.params[0] ?? "");
      const task = await scheduler(ctx).task(id);
      if (!task) throw new HttpError(404, "not_found", `no task with id ${id}`);
      return { task };
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/messages\/([^/]+)$/,
    handler: async (ctx) => {
      const id = decodeURIComponent(ctx.params[0] ?? "");
      const message = await router(ctx).message(id);
      if (message === undefined || message === null) throw new HttpError(404, "not_found", `no message with id ${id}`);
      return { message };
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/messages$/,
    handler: async (ctx) => {
      const cid = ctx.url.searchParams.get("correlation_id");
      if (!cid) throw new HttpError(400, "bad_request", "correlation_id query parameter is required");
      return { messages: await router(ctx).messagesByCorrelation(cid) };
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/dlq$/,
    handler: async (ctx) => ({
      entries: await router(ctx).dlq.list(dlqFilter(Object.fromEntries(ctx.url.searchParams))),
    }),
  },
  {
    method: "POST",
    pattern: /^\/v1\/dlq\/requeue$/,
    handler: async (ctx) => {
      const body = await ctx.body();
      const ids = isRecord(body) ? body.ids : undefined;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => Number.isSafeInteger(i) && i > 0))
        throw new HttpError(
          400,
          "bad_request",
          'body must be {"ids": [<dlq entry id>, ...]} with positive integer ids',
        );
      return { requeued: await router(ctx).dlq.requeue(ids as number[]) };
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/dlq\/export$/,
    handler: async (ctx) => {
      const lines = router(ctx).dlq.export(dlqFilter(Object.fromEntries(ctx.url.searchParams)));
      ctx.res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8" });
      for await (const line of lines) ctx.res.write(line.endsWith("\n") ? line : `${line}\n`);
      ctx.res.end();
      return undefined;
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/dlq\/purge$/,
    handler: async (ctx) => {
      const body = await ctx.body();
      // An explicit filter object is required so an empty POST cannot wipe the DLQ by accident.
      if (!isRecord(body) || !isRecord(body.filter))
        throw new HttpError(
          400,
          "bad_request",
          'body must be {"filter": {"agent"?, "code"?, ...}} ({} purges everything)',
        );
      return { purged: await router(ctx).dlq.purge(dlqFilter(body.filter)) };
    },
  },
];

export function matchRoute(method: string, path: string): { route: Route; params: string[] } | "method" | undefined {
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: m.slice(1) };
  }
  return pathMatched ? "method" : undefined;
}

export function sendBody(res: ServerResponse, body: unknown): void {
  if (body !== undefined && !res.headersSent) sendJson(res, 200, body);
}

export type { IncomingMessage };
