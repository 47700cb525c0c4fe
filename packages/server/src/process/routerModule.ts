/** The router as a ServiceModule (port: addresses.router). Needs `directory`; provides `ingress`. */
import { join } from "node:path";
import type { RouterOptions } from "../router/index.js";
import { createRouter } from "../router/index.js";
import { resolveRouterOptions } from "../router/options.js";
import { ROUTER_DB_FILE, SqliteRouterStore } from "../router/sqliteRouterStore.js";
import type { RouterStore } from "../router/store.js";
import { WorkerRouterStore } from "../router/workerRouterStore.js";
import { requireComponent, type ServiceModule } from "./modules.js";

export const routerModule: ServiceModule = {
  name: "router",
  async start(ctx) {
    // Config-file options are plain JSON; resolveRouterOptions validates them (a bad value stops start-up).
    const options = resolveRouterOptions(ctx.config.router as RouterOptions);
    const file = join(ctx.config.dataDir, ROUTER_DB_FILE);
    const sqlite = { synchronous: options.durability === "process-crash" ? ("NORMAL" as const) : ("FULL" as const) };
    const store: RouterStore =
      options.storeThread === "main" ? new SqliteRouterStore(file, sqlite) : await WorkerRouterStore.open(file, sqlite);
    const router = createRouter({
      store,
      directory: requireComponent(ctx, "directory", "router"),
      clock: ctx.clock,
      logger: ctx.logger,
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
      async close() {
        await router.close();
        await store.close(); // the router does not own a store it was given
      },
    };
  },
};
