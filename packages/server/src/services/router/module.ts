/** The router as a ServiceModule (port: router). Needs the directory; provides ingress and local agents. */
import { CANONICAL_POLICIES } from "../../auth/policies.js";
import type { RouterOptions } from "./index.js";
import { createRouter, MemoryRouterStore } from "./index.js";
import { resolveRouterOptions } from "./options.js";
import { SqliteRouterStore } from "./sqliteRouterStore.js";
import type { RouterStore } from "./store.js";
import { WorkerRouterStore } from "./workerRouterStore.js";
import { routerAdminRoutes } from "./adminRoutes.js";
import { DIRECTORY, INGRESS, LOCAL_AGENTS, ROUTER_ADMIN } from "../keys.js";
import type { ServiceModule } from "../../process/modules.js";

export const routerModule: ServiceModule = {
  name: "router",
  needs: [DIRECTORY],
  provides: [INGRESS, LOCAL_AGENTS, ROUTER_ADMIN],
  async start(ctx) {
    // Config-file options are JSON validated against the catalog's schema; resolveRouterOptions applies defaults.
    const raw = (ctx.settings.options ?? {}) as RouterOptions;
    const options = resolveRouterOptions(raw);
    const sqlite = { synchronous: options.durability === "process-crash" ? ("NORMAL" as const) : ("FULL" as const) };
    const store: RouterStore = await ctx.storage.open<RouterStore>("router", {
      memory: () => new MemoryRouterStore(),
      sqlite: (file) =>
        options.storeThread === "main" ? new SqliteRouterStore(file, sqlite) : WorkerRouterStore.open(file, sqlite),
    });
    const router = createRouter({
      store,
      directory: ctx.get(DIRECTORY),
      clock: ctx.clock,
      logger: ctx.logger,
      options: raw,
      metricsRegistry: ctx.metrics,
      guard: ctx.guard,
      describeStore: () => ctx.storage.describe("router"),
    });
    ctx.provide(INGRESS, router.ingress);
    ctx.provide(ROUTER_ADMIN, router.admin);
    ctx.provide(LOCAL_AGENTS, router.attachLocal);
    const describe = { describe: () => ctx.storage.describe("router") };
    return {
      bindings: [
        {
          service: "router",
          definition: router.definition,
          handlers: router.handlers,
          policies: CANONICAL_POLICIES,
          store: describe,
        },
        {
          // The streaming fast path (extension); SDKs detect it through its health status.
          service: "router",
          healthName: "sw4rm.ext.router.v1.RouterSession",
          definition: router.session.definition,
          handlers: router.session.handlers,
          store: describe,
        },
      ],
      routes: routerAdminRoutes(router.admin),
      async close() {
        await router.close();
        await store.close(); // the router does not own a store it was given
      },
    };
  },
};
