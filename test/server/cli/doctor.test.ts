import { startTestStack, type TestStack } from "@sw4rm/testing";
import { createServer } from "node:net";
import { systemClock } from "@sw4rm/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../packages/server/src/cli/program.js";

let server: TestStack;
let closedPort: number;
beforeAll(async () => {
  server = await startTestStack({ clock: systemClock });
  // A port that was free a moment ago and is closed now: nothing answers there.
  closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
});
afterAll(async () => {
  await server?.cleanup();
});

async function doctor(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["doctor", "--timeout-ms", "1500", ...(env.JSON ? ["--json"] : [])], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const nowhere = () => `127.0.0.1:${closedPort}`;

function allElsewhere(): Record<string, string> {
  // Every service not explicitly pointed at the test server goes to a closed port (never the defaults,
  // which a developer's own `sw4rm up` may be using).
  const env: Record<string, string> = {};
  for (const name of [
    "HITL",
    "WORKTREE",
    "TOOL",
    "CONNECTOR",
    "NEGOTIATION",
    "NEGOTIATION_ROOM",
    "REASONING",
    "LOGGING",
    "ACTIVITY",
    "HANDOFF",
    "WORKFLOW",
    "SCHEDULER_POLICY",
  ])
    env[`SW4RM_${name}_ADDR`] = nowhere();
  return env;
}

describe("sw4rm doctor", () => {
  it("reports serving, not-hosted and unreachable services with fixes, and passes when router+registry serve", async () => {
    const r = await doctor({
      ...allElsewhere(),
      SW4RM_ROUTER_ADDR: server.routerAddr,
      SW4RM_REGISTRY_ADDR: `http://${server.registryAddr}`,
      SW4RM_SCHEDULER_ADDR: server.schedulerAddr,
      // the router's port hosts no Workflow service: NOT_HOSTED, not UNREACHABLE
      SW4RM_WORKFLOW_ADDR: server.routerAddr,
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`router\\s+${server.routerAddr}\\s+SW4RM_ROUTER_ADDR\\s+SERVING`));
    expect(r.out).toMatch(/registry\s+\S+\s+SW4RM_REGISTRY_ADDR\s+SERVING/);
    expect(r.out).toMatch(/scheduler\s+\S+\s+SW4RM_SCHEDULER_ADDR\s+SERVING/);
    expect(r.out).toMatch(/workflow\s+\S+\s+SW4RM_WORKFLOW_ADDR\s+NOT_HOSTED/);
    expect(r.out).toMatch(/hitl\s+\S+\s+SW4RM_HITL_ADDR\s+UNREACHABLE/);
    expect(r.out).toContain(`hitl: nothing answers at ${nowhere()}; \`sw4rm up\` does not serve this service yet`);
    expect(r.out).toContain("ok: the router and registry are serving");
  });

  it("fails with exit 1 and names the broken essentials", async () => {
    const r = await doctor({ ...allElsewhere(), SW4RM_ROUTER_ADDR: nowhere(), SW4RM_REGISTRY_ADDR: server.registryAddr, SW4RM_SCHEDULER_ADDR: nowhere() });
    expect(r.code).toBe(1);
    expect(r.err).toContain("not ok: router not serving");
    expect(r.out).toContain(`router: nothing answers at ${nowhere()}: start it`);
  });

  it("prints JSON for all 15 services", async () => {
    const r = await doctor({ ...allElsewhere(), JSON: "1", SW4RM_ROUTER_ADDR: server.routerAddr, SW4RM_REGISTRY_ADDR: server.registryAddr, SW4RM_SCHEDULER_ADDR: nowhere() });
    const body = JSON.parse(r.out) as { ok: boolean; services: { service: string; verdict: string }[] };
    expect(body.ok).toBe(true);
    expect(body.services).toHaveLength(15);
    expect(body.services.find((s) => s.service === "scheduler")?.verdict).toBe("UNREACHABLE");
  });
});
