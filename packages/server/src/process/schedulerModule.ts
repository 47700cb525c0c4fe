/**
 * The scheduler as a ServiceModule (port: addresses.scheduler). Needs `directory` and `ingress`; its
 * CONTROL envelopes go out through the router and the agents' ACKs/notifications addressed to the
 * scheduler come back in-process (router `attachLocal`).
 */
import { MessageType } from "@sw4rm/protocol";
import { createScheduler, SCHEDULER_AGENT_ID, type SchedulerOptions } from "../scheduler/index.js";
import { CONTROL_PLANE_MAX_MESSAGE_BYTES } from "./grpcServer.js";
import { requireComponent, type ServiceModule } from "./modules.js";

export const schedulerModule: ServiceModule = {
  name: "scheduler",
  async start(ctx) {
    const scheduler = createScheduler({
      dataDir: ctx.config.dataDir,
      ingress: requireComponent(ctx, "ingress", "scheduler"),
      directory: requireComponent(ctx, "directory", "scheduler"),
      clock: ctx.clock,
      logger: ctx.logger.child({ component: "scheduler" }),
      // Config-file options are plain JSON; the scheduler applies its defaults.
      options: ctx.config.scheduler as SchedulerOptions,
    });
    ctx.components.schedulerAdmin = scheduler.admin;
    const detach = requireComponent(ctx, "attachLocal", "scheduler")(SCHEDULER_AGENT_ID, async (envelope) => {
      if (envelope.messageType === MessageType.ACKNOWLEDGEMENT) await scheduler.handleAck(envelope);
      else if (envelope.messageType === MessageType.NOTIFICATION) scheduler.handleNotification(envelope);
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
      close: () => scheduler.close(),
    };
  },
};
