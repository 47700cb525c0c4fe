/** The agents, sinks and task ids the inputs draw from; all of the agents accept any content type. */
import { CommunicationClass, RegisterAgentRequest, RegisterAgentResponse, RegistrationType } from "@sw4rm/protocol";
import type { FuzzServer } from "./fuzzServer.js";
import type { Pools } from "./inputs.js";

export const POOLS: Pools = {
  agents: ["fuzz-a", "fuzz-b", "fuzz-c", "fuzz-d"],
  tasks: ["task-1", "task-2", "task-3", "task-4"],
  sinks: ["sink-0", "sink-1", "sink-2"],
};

/** Registers `ids` (modalities `*\/*`); throws when one is refused. */
export async function registerPoolAgents(server: FuzzServer, ids: readonly string[] = POOLS.agents): Promise<void> {
  for (const agentId of ids) {
    const body = RegisterAgentRequest.encode({
      agent: {
        agentId,
        name: `Fuzz ${agentId}`,
        description: "fuzz target",
        capabilities: [],
        communicationClass: CommunicationClass.STANDARD,
        modalitiesSupported: ["*/*"],
        reasoningConnectors: [],
        publicKey: new Uint8Array(),
        registrationType: RegistrationType.STANDARD_AGENT,
        maxConcurrentDelegations: 0,
      },
    }).finish();
    const out = await server.clients.registry.unary("/sw4rm.registry.RegistryService/RegisterAgent", Buffer.from(body));
    if (out.kind !== "ok") throw new Error(`registering ${agentId}: ${out.details}`);
    const res = RegisterAgentResponse.decode(out.bytes);
    if (!res.accepted) throw new Error(`registering ${agentId} refused: ${res.reason}`);
  }
}
