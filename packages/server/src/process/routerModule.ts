/** The router as a ServiceModule (port: addresses.router). Needs `directory`; provides `ingress`. */
import type { RouterOptions } from "../router/index.js";
import { createRouter } from "../router/index.js";
import { requireComponent, type ServiceModule } from "./modules.js";

export const routerModule: ServiceModule = {
  name: "router",
  async start(ctx) {
    const router = createRouter({
      dataDir: ctx.config.dataDir,
      directory: requireComponent(ctx, "directory", "router"),
      clock: ctx.clock,
      logger: ctx.logger,
      // Config-file options are plain JSON; the router validates/defaults them (resolveRouterOptions).
      options: ctx.config.router as RouterOptions,
      metricsRegistry: ctx.components.metrics,
      guard: ctx.components.guard,
    });
    ctx.components.ingress = router.ingress;
    ctx.components.routerAdmin = router.admin;
    ctx.components.attachLocal = router.attachLocal;
    return {
      bindings: [
        {
          service: "router",
          healthName: "sw4rm.router.RouterService",
          definition: router.service,
          implementation: router.grpc,
        },
        {
          // The streaming fast path (extension); SDKs detect it through its health status.
          service: "router",
          healthName: "sw4rm.ext.router.v1.RouterSession",
          definition: router.session.service,
          implementation: router.session.grpc,
        },
      ],
      close: () => router.close(),
    };
  },
};
