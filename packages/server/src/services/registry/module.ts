/** The registry as a ServiceModule (port: registry). Provides the agent directory to later modules. */
import { createRegistry, MemoryRegistryStore, SqliteRegistryStore } from "./index.js";
import { CANONICAL_POLICIES } from "../../auth/policies.js";
import { registerRegistryMetrics, registryAdminRoutes } from "./adminRoutes.js";
import { DIRECTORY, INGRESS } from "../keys.js";
import { CONTROL_PLANE_MAX_MESSAGE_BYTES } from "../../process/grpcServer.js";
import type { ServiceModule } from "../../process/modules.js";
import type { RegistryOptions, RegistryStore } from "./index.js";

export const registryModule: ServiceModule = {
  name: "registry",
  provides: [DIRECTORY],
  uses: [INGRESS],
  async start(ctx) {
    const store = await ctx.storage.open<RegistryStore>("registry", {
      memory: () => new MemoryRegistryStore(),
      sqlite: (file) => new SqliteRegistryStore(file),
    });
    const component = await createRegistry({
      store,
      clock: ctx.clock,
      logger: ctx.logger,
      options: ctx.settings as RegistryOptions & { notifications?: boolean },
    }).catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
    ctx.provide(DIRECTORY, component.directory);
    registerRegistryMetrics(ctx.metrics, component.directory);
    return {
      bindings: [
        {
          service: "registry",
          definition: component.definition,
          handlers: component.handlers,
          policies: CANONICAL_POLICIES,
          store: { describe: () => ctx.storage.describe("registry") },
          maxReceiveBytes: CONTROL_PLANE_MAX_MESSAGE_BYTES,
        },
      ],
      routes: registryAdminRoutes(component.directory),
      ready() {
        // The router needs our directory, so it starts after us: announcements are wired last.
        const ingress = ctx.find(INGRESS);
        if (ingress) component.connectRouter(ingress);
      },
      stopping: () => component.disconnectRouter(),
      async close() {
        await component.close();
        await store.close();
      },
    };
  },
};
