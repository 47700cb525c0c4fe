/**
 * ACK demo: starts router + registry in-process, launches an agent, sends DATA and prints the ACK timeline.
 *   npx tsx examples/ack-demo.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckStage, ackStageName, MessageType } from "@sw4rm/protocol";
import { Agent } from "@sw4rm/sdk";
import { createLogger, resolveConfig, startServer } from "@sw4rm/server";

const dataDir = mkdtempSync(join(tmpdir(), "sw4rm-ack-demo-"));
const server = await startServer(
  resolveConfig({
    dataDir,
    host: "127.0.0.1",
    router: { addr: "127.0.0.1:0" },
    registry: { addr: "127.0.0.1:0" },
    scheduler: { addr: "127.0.0.1:0" },
    admin: { addr: "127.0.0.1:0" },
    log: { level: "silent" },
  }),
  { logger: createLogger({ level: "silent" }) },
);
const addrs = { routerAddress: server.addresses.router, registryAddress: server.addresses.registry };
const t0 = Date.now();
const stamp = () => `+${String(Date.now() - t0).padStart(4)} ms`;

const worker = new Agent({ agentId: "ack-agent", name: "ACK agent", dataDir, ...addrs });
worker.on(MessageType.DATA, async (msg) => {
  await new Promise((r) => setTimeout(r, 50));
  return `processed ${msg.text().length} bytes`;
});
const client = new Agent({ agentId: "ack-client", name: "Client", ...addrs });
client.onAck((e) =>
  console.log(
    `${stamp()}  ACK ${ackStageName(e.ack.ackStage).padEnd(9)} from ${e.from} ${e.ack.note ? `(${e.ack.note})` : ""}`,
  ),
);
await worker.start();
await client.start();

const env = client.envelopes.create({ messageType: MessageType.DATA, payload: "hello, swarm" });
console.log(`${stamp()}  SENT DATA ${env.messageId}`);
const final = await client.sendAndWait(env, { to: "ack-agent", until: AckStage.FULFILLED });
console.log(`${stamp()}  done: ${ackStageName(final.ack.ackStage)}`);

await client.stop();
await worker.stop();
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
