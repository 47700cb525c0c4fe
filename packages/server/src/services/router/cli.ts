/** `sw4rm queues`, `sw4rm message <id>` and `sw4rm dlq list|requeue|export|purge`. */
import type { Command } from "commander";
import { adminCommand, type CommonFlags, endpointOf, printResult } from "../../cli/adminCommand.js";
import { adminFetch, adminJson } from "../../cli/client.js";
import type { CliIo } from "../../cli/io.js";
import { formatRecord, formatTable } from "../../cli/table.js";
import type { DlqEntryView, MessageView, QueueView } from "./views.js";

interface DlqFlags extends CommonFlags {
  readonly agent?: string;
  readonly code?: string;
  readonly limit?: string;
  readonly all?: boolean;
}

function dlqQuery(flags: DlqFlags): string {
  const q = new URLSearchParams();
  if (flags.agent) q.set("agent", flags.agent);
  if (flags.code) q.set("code", flags.code);
  if (flags.limit) q.set("limit", flags.limit);
  const s = q.toString();
  return s ? `?${s}` : "";
}

const entries = (n: number) => `entr${n === 1 ? "y" : "ies"}`;

function registerQueues(program: Command, io: CliIo): void {
  adminCommand(program.command("queues").description("show undelivered message counts per agent")).action(
    async (flags: CommonFlags) => {
      const body = await adminJson<{ queues: QueueView[] }>(endpointOf(flags, io), "/v1/queues");
      printResult(io, flags, body, () =>
        formatTable(
          ["AGENT_ID", "DEPTH"],
          body.queues.map((q) => [q.agent_id, String(q.depth)]),
        ),
      );
    },
  );
}

function registerMessage(program: Command, io: CliIo): void {
  adminCommand(program.command("message <id>").description("show a message's routing record by message id")).action(
    async (id: string, flags: CommonFlags) => {
      const body = await adminJson<{ message: MessageView }>(endpointOf(flags, io), `/v1/messages/${encodeURIComponent(id)}`);
      printResult(io, flags, body, () => formatRecord({ ...body.message }));
    },
  );
}

function registerDlq(program: Command, io: CliIo): void {
  const dlq = program.command("dlq").description("inspect and manage the dead-letter queue (spec §21.1)");
  const filters = (cmd: Command) =>
    adminCommand(cmd)
      .option("--agent <id>", "only entries for this recipient agent")
      .option("--code <code>", "only entries with this ErrorCode (name like TTL_EXPIRED, or number)");

  filters(dlq.command("list").description("list dead-lettered deliveries"))
    .option("--limit <n>", "at most n entries")
    .action(async (flags: DlqFlags) => {
      const body = await adminJson<{ entries: DlqEntryView[] }>(endpointOf(flags, io), `/v1/dlq${dlqQuery(flags)}`);
      printResult(io, flags, body, () =>
        formatTable(
          ["ID", "MESSAGE_ID", "AGENT_ID", "CODE", "FAILED_AT", "ERROR"],
          body.entries.map((e) => [String(e.id), e.message_id, e.agent_id, e.error_code, e.failed_at, e.error]),
        ),
      );
    });

  adminCommand(dlq.command("requeue <ids...>").description("move DLQ entries back into their agent's queue")).action(
    async (ids: string[], flags: CommonFlags) => {
      const numeric = ids.map(Number);
      if (!numeric.every((n) => Number.isSafeInteger(n) && n > 0))
        throw new Error("ids must be positive integers (see `sw4rm dlq list`)");
      const body = await adminJson<{ requested: number; requeued: unknown[] }>(endpointOf(flags, io), "/v1/dlq/requeue", {
        method: "POST",
        body: { ids: numeric },
      });
      const count = body.requeued.length;
      printResult(io, flags, body, () => `requeued ${count} of ${ids.length} ${entries(ids.length)}`);
      // Ids that are not (or no longer) in the DLQ are an error, so scripts notice.
      if (count < ids.length)
        throw new Error(
          `${ids.length - count} of ${ids.length} ${entries(ids.length)} not requeued: not in the DLQ (see \`sw4rm dlq list\`)`,
        );
    },
  );

  filters(dlq.command("export").description("write DLQ entries as NDJSON to stdout")).action(async (flags: DlqFlags) => {
    const res = await adminFetch(endpointOf(flags, io), `/v1/dlq/export${dlqQuery(flags)}`);
    const text = await res.text();
    if (text !== "") io.out(text);
  });

  filters(dlq.command("purge").description("delete DLQ entries matching the filter (--all for every entry)"))
    .option("--all", "purge every entry (required when no --agent/--code is given)")
    .action(async (flags: DlqFlags) => {
      if (!flags.all && !flags.agent && !flags.code)
        throw new Error("refusing to purge the whole DLQ: pass --agent, --code or --all");
      const filter: Record<string, string> = {};
      if (flags.agent) filter.agent = flags.agent;
      if (flags.code) filter.code = flags.code;
      const body = await adminJson<{ purged: number }>(endpointOf(flags, io), "/v1/dlq/purge", {
        method: "POST",
        body: { filter },
      });
      printResult(io, flags, body, () => `purged ${body.purged} ${entries(body.purged)}`);
    });
}

export function registerRouterCommands(program: Command, io: CliIo): void {
  registerQueues(program, io);
  registerMessage(program, io);
  registerDlq(program, io);
}
