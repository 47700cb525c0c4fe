/** The registry as a ServiceModule (port: addresses.registry). Provides `directory` to later modules. */
import { join } from "node:path";
import { createRegistry, REGISTRY_DB_FILE, SqliteRegistryStore } from "../registry/index.js";
import { CONTROL_PLANE_MAX_MESSAGE_BYTES } from "./grpcServer.js";
import type { ServiceModule } from "./modules.js";

export const registryModule: ServiceModule = {
  name: "registry",
  async start(ctx) {
    const { config } = ctx;
    const store = new SqliteRegistryStore(join(config.dataDir, REGISTRY_DB_FILE));
    const component = await createRegistry({
      store,
      clock: ctx.clock,
      logger: ctx.logger,
      options: config.registry,
    }).catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
    ctx.components.directory = component.directory;
    return {
      bindings: [
        {
          service: "registry",
          healthName: "sw4rm.registry.RegistryService",
          definition: component.service,
          maxReceiveBytes: CONTROL_PLANE_MAX_MESSAGE_BYTES,
          implementation: component.grpc,
        },
      ],
      ready() {
        // The router starts after us (it needs the directory), so announcements are wired last.
        if (ctx.components.ingress) component.connectRouter(ctx.components.ingress);
      },
      stopping: () => component.disconnectRouter(),
      async close() {
        await component.close();
        await store.close();
      },
    };
  },
};
