/**
 * Advanced agent: durable exactly-once DATA handling, scheduler tasks with preemption, a default handler.
 *   npx tsx examples/advanced-agent.ts --router localhost:50051 --registry localhost:50052 --data-dir ./.agent-data
 */
import { parseArgs } from "node:util";
import { ErrorCode, MessageType, Sw4rmError } from "@sw4rm/protocol";
import { Agent, consoleLogger } from "@sw4rm/sdk";

const { values } = parseArgs({
  options: {
    router: { type: "string" },
    registry: { type: "string" },
    "data-dir": { type: "string", default: "./.sw4rm-agent-data" },
    id: { type: "string", default: "advanced" },
  },
});

const agent = new Agent({
  agentId: values.id ?? "advanced",
  name: "Advanced",
  capabilities: ["json-transform", "tasks"],
  routerAddress: values.router,
  registryAddress: values.registry,
  dataDir: values["data-dir"],
  heartbeatIntervalMs: 5_000,
  logger: consoleLogger("info", { agent: values.id }),
});

agent
  .on(MessageType.DATA, (msg) => {
    const body = msg.json<{ op?: string; values?: number[] }>();
    if (body.op !== "sum" || !Array.isArray(body.values))
      throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, 'expected {"op":"sum","values":[...]}', { field: "payload" });
    return { sum: body.values.reduce((a, b) => a + b, 0) };
  })
  .onTask(async (ctx) => {
    const steps = Number((ctx.params as { steps?: number } | undefined)?.steps ?? 5);
    for (let i = 0; i < steps; i++) {
      await ctx.nonPreemptible(1_000, async () => new Promise((r) => setTimeout(r, 100)));
      await ctx.checkpoint();
    }
    return `task ${ctx.taskId} done after ${steps} steps`;
  })
  .onDefault((msg) => `ignored ${MessageType[msg.messageType]}`);

await agent.start();
console.log(`[advanced] ${agent.agentId} running, state in ${values["data-dir"]}`);
process.once("SIGINT", () => void agent.stop("SIGINT").then(() => process.exit(0)));
