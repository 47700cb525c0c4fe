/**
 * The scheduler as a ServiceModule (port: addresses.scheduler). Needs `directory` and `ingress`; its
 * CONTROL envelopes go out through the router and the agents' ACKs/notifications addressed to the
 * scheduler come back in-process (router `attachLocal`).
 */
import { join } from "node:path";
import { MessageType } from "@sw4rm/protocol";
import {
  createScheduler,
  SCHEDULER_AGENT_ID,
  SCHEDULER_DB_FILE,
  type SchedulerOptions,
  SqliteSchedulerStore,
} from "../scheduler/index.js";
import { CONTROL_PLANE_MAX_MESSAGE_BYTES } from "./grpcServer.js";
import { requireComponent, type ServiceModule } from "./modules.js";

export const schedulerModule: ServiceModule = {
  name: "scheduler",
  async start(ctx) {
    const ingress = requireComponent(ctx, "ingress", "scheduler");
    const directory = requireComponent(ctx, "directory", "scheduler");
    const attachLocal = requireComponent(ctx, "attachLocal", "scheduler");
    const store = new SqliteSchedulerStore(join(ctx.config.dataDir, SCHEDULER_DB_FILE));
    const scheduler = await createScheduler({
      store,
      ingress,
      directory,
      clock: ctx.clock,
      logger: ctx.logger.child({ component: "scheduler" }),
      // Config-file options are plain JSON; the scheduler applies its defaults.
      options: ctx.config.scheduler as SchedulerOptions,
    }).catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
    ctx.components.schedulerAdmin = scheduler.admin;
    const detach = attachLocal(SCHEDULER_AGENT_ID, async (envelope) => {
      if (envelope.messageType === MessageType.ACKNOWLEDGEMENT) await scheduler.handleAck(envelope);
      else if (envelope.messageType === MessageType.NOTIFICATION) await scheduler.handleNotification(envelope);
    });
    return {
      bindings: [
        {
          service: "scheduler",
          healthName: "sw4rm.scheduler.SchedulerService",
          definition: scheduler.service,
          maxReceiveBytes: CONTROL_PLANE_MAX_MESSAGE_BYTES,
          implementation: scheduler.grpc,
        },
      ],
      stopping: async () => detach(),
      async close() {
        await scheduler.close();
        await store.close();
      },
    };
  },
};
