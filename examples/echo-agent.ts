/**
 * Echo agent: replies to every DATA message through its FULFILLED ACK note.
 *   npx tsx examples/echo-agent.ts            (needs `sw4rm up`, or SW4RM_ROUTER_ADDR / SW4RM_REGISTRY_ADDR)
 */
import { MessageType } from "@sw4rm/protocol";
import { Agent, consoleLogger } from "@sw4rm/sdk";

const agent = new Agent({ agentId: process.env.AGENT_ID ?? "echo", name: "Echo", logger: consoleLogger("info") });
agent.on(MessageType.DATA, (msg) => {
  console.log(`[echo] ${msg.producerId}: ${msg.text()}`);
  return `echo: ${msg.text()}`;
});
await agent.start();
console.log(`[echo] running as ${agent.agentId}; Ctrl-C to stop`);
process.once("SIGINT", () => void agent.stop("SIGINT").then(() => process.exit(0)));
process.once("SIGTERM", () => void agent.stop("SIGTERM").then(() => process.exit(0)));
