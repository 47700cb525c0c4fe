import { startTestStack, type TestStack } from "@sw4rm/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHealth } from "../../support/health.js";

describe("grpc.health.v1 on every port", () => {
  let server: TestStack;
  beforeAll(async () => {
    server = await startTestStack();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it.each([
    ["router", "", () => server.routerAddr],
    ["router", "sw4rm.router.RouterService", () => server.routerAddr],
    ["registry", "", () => server.registryAddr],
    ["registry", "sw4rm.registry.RegistryService", () => server.registryAddr],
  ])("%s port reports SERVING for %j", async (_port, service, addr) => {
    expect(await checkHealth(addr(), service)).toBe("SERVING");
  });

  it("answers NOT_FOUND for a service not hosted on that port", async () => {
    await expect(checkHealth(server.registryAddr, "sw4rm.router.RouterService")).rejects.toMatchObject({ code: 5 });
  });

  it("reports the real bound ports in the readiness line", () => {
    expect(server.readinessLine).toBe(
      `sw4rm ready router=${server.routerAddr} registry=${server.registryAddr} scheduler=${server.schedulerAddr} admin=${server.adminUrl}`,
    );
    expect(server.routerAddr).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
  });
});
