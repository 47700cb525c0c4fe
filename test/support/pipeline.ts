/** Serves a service's handlers on a bare grpc-js Server through the real call pipeline (no auth, no hooks). */
import type { Server } from "@grpc/grpc-js";
import { silentLogger } from "@sw4rm/server";
import type { DefinitionLike, ServiceHandlers } from "../../packages/server/src/grpc/handlers.js";
import { bindService } from "../../packages/server/src/grpc/pipeline.js";

export function addPipelineService<D extends DefinitionLike>(
  server: Server,
  definition: D,
  handlers: ServiceHandlers<D>,
  service = "test",
  store?: { describe(): string },
): void {
  const bound = bindService(
    { service, definition, handlers, ...(store ? { store } : {}) },
    { logger: silentLogger(), shutdown: new AbortController().signal },
  );
  server.addService(bound.definition, bound.implementation);
}
