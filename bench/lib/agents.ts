/** Agent registration through the generated RegistryService client (recipients must be registered). */
import {
  type AgentDescriptor,
  CommunicationClass,
  CONTENT_TYPES,
  type RegisterAgentResponse,
  RegistrationType,
} from "@sw4rm/protocol";
import { registryClient, unary } from "./grpc.js";

/** Bench agents accept the payload type the producers send (application/octet-stream). */
export function benchDescriptor(agentId: string): AgentDescriptor {
  return {
    agentId,
    name: agentId,
    description: "benchmark agent",
    capabilities: [],
    communicationClass: CommunicationClass.STANDARD,
    modalitiesSupported: [CONTENT_TYPES.octetStream],
    reasoningConnectors: [],
    publicKey: new Uint8Array(),
    registrationType: RegistrationType.STANDARD_AGENT,
    maxConcurrentDelegations: 0,
  };
}

/** `prefix-0` .. `prefix-(n-1)`. */
export function agentIds(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}

/** Registers every id (`concurrency` calls at a time); throws on the first refusal. */
export async function registerAgents(registryAddr: string, ids: readonly string[], concurrency = 32): Promise<void> {
  const client = registryClient(registryAddr);
  try {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++] ?? "";
        const res = await unary<RegisterAgentResponse>((cb) => client.registerAgent({ agent: benchDescriptor(id) }, cb));
        if (!res.accepted) throw new Error(`registration of ${id} refused: ${res.reason}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  } finally {
    client.close();
  }
}
