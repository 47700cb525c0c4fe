/**
 * The scheduler as a ServiceModule (port: scheduler). Needs the directory, ingress and local agents: its
 * CONTROL envelopes go out through the router and the agents' ACKs/notifications addressed to the
 * scheduler come back in-process.
 */
import { MessageType } from "@sw4rm/protocol";
import { CANONICAL_POLICIES } from "../../auth/policies.js";
import {
  createScheduler,
  MemorySchedulerStore,
  SCHEDULER_AGENT_ID,
  type SchedulerOptions,
  type SchedulerStore,
  SqliteSchedulerStore,
} from "./index.js";
import { schedulerAdminRoutes } from "./adminRoutes.js";
import { DIRECTORY, INGRESS, LOCAL_AGENTS, SCHEDULER_ADMIN } from "../keys.js";
import { CONTROL_PLANE_MAX_MESSAGE_BYTES } from "../../process/grpcServer.js";
import type { ServiceModule } from "../../process/modules.js";

export const schedulerModule: ServiceModule = {
  name: "scheduler",
  needs: [DIRECTORY, INGRESS, LOCAL_AGENTS],
  provides: [SCHEDULER_ADMIN],
  async start(ctx) {
    const store = await ctx.storage.open<SchedulerStore>("scheduler", {
      memory: () => new MemorySchedulerStore(),
      sqlite: (file) => new SqliteSchedulerStore(file),
    });
    const scheduler = await createScheduler({
      store,
      ingress: ctx.get(INGRESS),
      directory: ctx.get(DIRECTORY),
      clock: ctx.clock,
      logger: ctx.logger,
      // Config-file options are JSON validated against the catalog's schema; the scheduler applies its defaults.
      options: (ctx.settings.options ?? {}) as SchedulerOptions,
    }).catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
    ctx.provide(SCHEDULER_ADMIN, scheduler.admin);
    const detach = ctx.get(LOCAL_AGENTS)(SCHEDULER_AGENT_ID, async (envelope) => {
      if (envelope.messageType === MessageType.ACKNOWLEDGEMENT) await scheduler.handleAck(envelope);
      else if (envelope.messageType === MessageType.NOTIFICATION) await scheduler.handleNotification(envelope);
    });
    return {
      bindings: [
        {
          service: "scheduler",
          definition: scheduler.definition,
          handlers: scheduler.handlers,
          policies: CANONICAL_POLICIES,
          store: { describe: () => ctx.storage.describe("scheduler") },
          maxReceiveBytes: CONTROL_PLANE_MAX_MESSAGE_BYTES,
        },
      ],
      routes: schedulerAdminRoutes(scheduler.admin),
      stopping: async () => detach(),
      async close() {
        await scheduler.close();
        await store.close();
      },
    };
  },
};
