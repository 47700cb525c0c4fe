/** The scheduler's admin routes: tasks by agent/status, one task, agents past a state timeout. */
import { HttpError } from "../../admin/json.js";
import { oneOfParam } from "../../admin/params.js";
import type { AdminRoute } from "../../admin/route.js";
import type { SchedulerAdmin, TaskStatus } from "./index.js";
import { agentTimeoutView, taskView } from "./views.js";

const TASK_STATUSES: readonly TaskStatus[] = ["QUEUED", "DISPATCHED", "RUNNING", "DONE", "FAILED"];

export function schedulerAdminRoutes(admin: SchedulerAdmin): AdminRoute[] {
  return [
    {
      method: "GET",
      pattern: /^\/v1\/tasks$/,
      handler: async ({ url }) => {
        const agentId = url.searchParams.get("agent") || undefined;
        const status = oneOfParam(url.searchParams.get("status"), "status", TASK_STATUSES);
        const tasks = await admin.tasks({ agentId, status });
        const timeouts = await admin.agentTimeouts();
        return { tasks: tasks.map(taskView), agent_timeouts: timeouts.map(agentTimeoutView) };
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/tasks\/([^/]+)$/,
      handler: async ({ params }) => {
        const id = params[0] ?? "";
        const task = await admin.task(id);
        if (!task) throw new HttpError(404, "not_found", `no task with id ${id}`);
        return { task: taskView(task) };
      },
    },
  ];
}
