/** grpc.health.v1.Health on every port: SERVING per hosted service name and for "" (the whole server). */
import type { Server } from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";

export interface PortHealth {
  setAll(status: ServingStatus): void;
}

export function addHealth(server: Server, serviceNames: readonly string[]): PortHealth {
  const names = ["", ...serviceNames];
  const health = new HealthImplementation(Object.fromEntries(names.map((n) => [n, "SERVING" as const])));
  // grpc-health-check types its server parameter structurally with proto-loader definitions.
  health.addToServer(server as unknown as Parameters<HealthImplementation["addToServer"]>[0]);
  return {
    setAll(status) {
      for (const n of names) health.setStatus(n, status);
    },
  };
}
