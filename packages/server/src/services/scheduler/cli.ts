/** `sw4rm tasks`: scheduler tasks. */
import type { Command } from "commander";
import { adminCommand, type CommonFlags, endpointOf, printResult } from "../../cli/adminCommand.js";
import { adminJson } from "../../cli/client.js";
import type { CliIo } from "../../cli/io.js";
import { formatTable } from "../../cli/table.js";
import type { TaskView } from "./views.js";

export function registerSchedulerCommands(program: Command, io: CliIo): void {
  adminCommand(
    program
      .command("tasks")
      .description("list scheduler tasks (priority, status, agent); --agent and --status filter")
      .option("--agent <id>", "only tasks of this agent")
      .option("--status <status>", "QUEUED | DISPATCHED | RUNNING | DONE | FAILED"),
  ).action(async (flags: CommonFlags & { agent?: string; status?: string }) => {
    const q = new URLSearchParams();
    if (flags.agent) q.set("agent", flags.agent);
    if (flags.status) q.set("status", flags.status.toUpperCase());
    const body = await adminJson<{ tasks: TaskView[] }>(endpointOf(flags, io), `/v1/tasks${q.size ? `?${q}` : ""}`);
    printResult(io, flags, body, () =>
      formatTable(
        ["TASK_ID", "AGENT_ID", "PRIORITY", "STATUS", "SCOPE", "ATTEMPTS", "ERROR", "SUBMITTED"],
        body.tasks.map((t) => [
          t.task_id,
          t.agent_id,
          String(t.priority),
          t.status,
          t.scope,
          String(t.attempts),
          t.error_code || "-",
          t.submitted_at,
        ]),
      ),
    );
  });
}
