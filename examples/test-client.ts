/**
 * Sends test traffic to an agent and prints the ACKs it gets back.
 *   npx tsx examples/test-client.ts --target-agent advanced --test data|control|all
 */
import { parseArgs } from "node:util";
import { AckStage, ackStageName, MessageType } from "@sw4rm/protocol";
import { Agent } from "@sw4rm/sdk";

const { values } = parseArgs({
  options: {
    "target-agent": { type: "string", default: "echo" },
    test: { type: "string", default: "all" },
    router: { type: "string" },
    registry: { type: "string" },
  },
});
const target = values["target-agent"] ?? "echo";
const which = values.test ?? "all";

const client = new Agent({
  agentId: `test-client-${process.pid}`,
  name: "Test client",
  routerAddress: values.router,
  registryAddress: values.registry,
});
await client.start();
let failures = 0;

async function check(label: string, body: unknown, type: MessageType): Promise<void> {
  const env = client.envelopes.json(type, body);
  try {
    const ev = await client.sendAndWait(env, { to: target, until: AckStage.FULFILLED });
    console.log(`${label}: ${ackStageName(ev.ack.ackStage)} ${ev.ack.note}`);
    if (ev.ack.ackStage !== AckStage.FULFILLED) failures += 1;
  } catch (error) {
    failures += 1;
    console.log(`${label}: ERROR ${String(error)}`);
  }
}

if (which === "data" || which === "all") await check("DATA sum", { op: "sum", values: [1, 2, 3] }, MessageType.DATA);
if (which === "control" || which === "all")
  await check("CONTROL RUN", { command: "RUN", task_id: `t-${Date.now()}`, params: { steps: 2 } }, MessageType.CONTROL);
await client.stop();
process.exit(failures === 0 ? 0 : 1);
