/** CLI commands over the admin HTTP API: agents, queues, tasks, message, dlq list|requeue|export|purge. */
import { type Command, Option } from "commander";
import type { AgentView, QueueView } from "../admin/views.js";
import { type AdminEndpoint, adminBaseUrl, adminFetch, adminJson, adminToken, DEFAULT_ADMIN_URL } from "./client.js";
import type { CliIo } from "./io.js";
import { cell, formatRecord, formatTable } from "./table.js";

interface CommonFlags {
  readonly admin?: string;
  readonly json?: boolean;
  readonly token?: string;
  readonly tokenFile?: string;
}

interface DlqFlags extends CommonFlags {
  readonly agent?: string;
  readonly code?: string;
  readonly limit?: string;
  readonly all?: boolean;
}

type Obj = Readonly<Record<string, unknown>>;

function common(cmd: Command): Command {
  return cmd
    .addOption(new Option("--admin <url>", `admin API base URL (env: SW4RM_ADMIN_ADDR; default ${DEFAULT_ADMIN_URL})`))
    .option("--token <token>", "admin bearer credential when the server authenticates callers (env: SW4RM_TOKEN)")
    .option("--token-file <file>", "read the admin bearer credential from this file (env: SW4RM_TOKEN_FILE)")
    .option("--json", "print the raw JSON response");
}

function dlqQuery(flags: DlqFlags): string {
  const q = new URLSearchParams();
  if (flags.agent) q.set("agent", flags.agent);
  if (flags.code) q.set("code", flags.code);
  if (flags.limit) q.set("limit", flags.limit);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Picks the first present key (router records are camelCase, views snake_case). */
const pick = (o: Obj, ...keys: string[]) => keys.map((k) => o[k]).find((v) => v !== undefined);

function time(ms: unknown): string {
  return typeof ms === "number" ? new Date(ms).toISOString() : cell(ms);
}

interface TaskRow {
  readonly taskId: string;
  readonly agentId: string;
  readonly priority: number;
  readonly status: string;
  readonly scope: string;
  readonly attempts: number;
  readonly errorCode?: string;
  readonly submittedAtMs: number;
}

export function registerAdminCommands(program: Command, io: CliIo): void {
  const base = (flags: CommonFlags): AdminEndpoint => {
    const token = adminToken(flags, io.env);
    return { url: adminBaseUrl(flags.admin, io.env), ...(token !== undefined ? { token } : {}) };
  };
  const print = (flags: CommonFlags, body: unknown, human: () => string) =>
    io.out(flags.json ? JSON.stringify(body, null, 2) : human());

  common(program.command("agents").description("list registered agents (state, availability, class)")).action(
    async (flags: CommonFlags) => {
      const body = await adminJson<{ agents: AgentView[] }>(base(flags), "/v1/agents");
      print(flags, body, () =>
        formatTable(
          ["AGENT_ID", "NAME", "STATE", "AVAILABLE", "CLASS", "LAST_HEARTBEAT"],
          body.agents.map((a) => [
            a.agent_id,
            a.name,
            a.state,
            a.available ? "yes" : "no",
            a.communication_class,
            a.last_heartbeat_at,
          ]),
        ),
      );
    },
  );

  common(program.command("queues").description("show undelivered message counts per agent")).action(
    async (flags: CommonFlags) => {
      const body = await adminJson<{ queues: QueueView[] }>(base(flags), "/v1/queues");
      print(flags, body, () =>
        formatTable(
          ["AGENT_ID", "DEPTH"],
          body.queues.map((q) => [q.agent_id, String(q.depth)]),
        ),
      );
    },
  );

  common(
    program
      .command("tasks")
      .description("list scheduler tasks (priority, status, agent); --agent and --status filter")
      .option("--agent <id>", "only tasks of this agent")
      .option("--status <status>", "QUEUED | DISPATCHED | RUNNING | DONE | FAILED"),
  ).action(async (flags: CommonFlags & { agent?: string; status?: string }) => {
    const q = new URLSearchParams();
    if (flags.agent) q.set("agent", flags.agent);
    if (flags.status) q.set("status", flags.status.toUpperCase());
    const body = await adminJson<{ tasks: TaskRow[] }>(base(flags), `/v1/tasks${q.size ? `?${q}` : ""}`);
    print(flags, body, () =>
      formatTable(
        ["TASK_ID", "AGENT_ID", "PRIORITY", "STATUS", "SCOPE", "ATTEMPTS", "ERROR", "SUBMITTED"],
        body.tasks.map((t) => [
          t.taskId,
          t.agentId,
          String(t.priority),
          t.status,
          t.scope,
          String(t.attempts),
          cell(t.errorCode ?? ""),
          time(t.submittedAtMs),
        ]),
      ),
    );
  });

  common(program.command("message <id>").description("show a message's routing record by message id")).action(
    async (id: string, flags: CommonFlags) => {
      const body = await adminJson<{ message: Obj }>(base(flags), `/v1/messages/${encodeURIComponent(id)}`);
      print(flags, body, () => formatRecord(body.message));
    },
  );

  const dlq = program.command("dlq").description("inspect and manage the dead-letter queue (spec §21.1)");
  const filters = (cmd: Command) =>
    common(cmd)
      .option("--agent <id>", "only entries for this recipient agent")
      .option("--code <code>", "only entries with this ErrorCode (name like TTL_EXPIRED, or number)");

  filters(dlq.command("list").description("list dead-lettered deliveries"))
    .option("--limit <n>", "at most n entries")
    .action(async (flags: DlqFlags) => {
      const body = await adminJson<{ entries: Obj[] }>(base(flags), `/v1/dlq${dlqQuery(flags)}`);
      print(flags, body, () =>
        formatTable(
          ["ID", "MESSAGE_ID", "AGENT_ID", "CODE", "FAILED_AT", "ERROR"],
          body.entries.map((e) => [
            cell(e.id),
            cell(pick(e, "messageId", "message_id")),
            cell(pick(e, "agentId", "agent_id")),
            cell(pick(e, "errorCodeName", "error_code_name", "errorCode", "error_code")),
            time(pick(e, "failedAtMs", "failed_at")),
            cell(e.error),
          ]),
        ),
      );
    });

  common(dlq.command("requeue <ids...>").description("move DLQ entries back into their agent's queue")).action(
    async (ids: string[], flags: CommonFlags) => {
      const numeric = ids.map(Number);
      if (!numeric.every((n) => Number.isSafeInteger(n) && n > 0))
        throw new Error("ids must be positive integers (see `sw4rm dlq list`)");
      const body = await adminJson<{ requeued: unknown }>(base(flags), "/v1/dlq/requeue", {
        method: "POST",
        body: { ids: numeric },
      });
      const count = Array.isArray(body.requeued) ? body.requeued.length : cell(body.requeued);
      print(flags, body, () => `requeued ${count} of ${ids.length} entr${ids.length === 1 ? "y" : "ies"}`);
    },
  );

  filters(dlq.command("export").description("write DLQ entries as NDJSON to stdout")).action(
    async (flags: DlqFlags) => {
      const res = await adminFetch(base(flags), `/v1/dlq/export${dlqQuery(flags)}`);
      const text = await res.text();
      if (text !== "") io.out(text);
    },
  );

  filters(dlq.command("purge").description("delete DLQ entries matching the filter (--all for every entry)"))
    .option("--all", "purge every entry (required when no --agent/--code is given)")
    .action(async (flags: DlqFlags) => {
      if (!flags.all && !flags.agent && !flags.code)
        throw new Error("refusing to purge the whole DLQ: pass --agent, --code or --all");
      const filter: Record<string, string> = {};
      if (flags.agent) filter.agent = flags.agent;
      if (flags.code) filter.code = flags.code;
      const body = await adminJson<{ purged: unknown }>(base(flags), "/v1/dlq/purge", {
        method: "POST",
        body: { filter },
      });
      print(flags, body, () => `purged ${cell(body.purged)} entr${body.purged === 1 ? "y" : "ies"}`);
    });
}
