/** Agent descriptors and registration helpers for tests. */
import {
  type AgentDescriptor,
  CommunicationClass,
  type RegisterAgentResponse,
  RegistrationType,
} from "@sw4rm/protocol";
import { registryClient, unary } from "./grpc.js";

export function descriptor(agentId: string, overrides: Partial<AgentDescriptor> = {}): AgentDescriptor {
  return {
    agentId,
    name: `Agent ${agentId}`,
    description: "test agent",
    capabilities: [],
    communicationClass: CommunicationClass.STANDARD,
    modalitiesSupported: ["application/json", "text/plain"],
    reasoningConnectors: [],
    publicKey: new Uint8Array(),
    registrationType: RegistrationType.STANDARD_AGENT,
    maxConcurrentDelegations: 0,
    ...overrides,
  };
}

/** Registers agents over gRPC; throws when one is refused. */
export async function registerAgents(registryAddr: string, ...ids: string[]): Promise<void> {
  const client = registryClient(registryAddr);
  try {
    for (const id of ids) {
      const res = await unary<RegisterAgentResponse>((cb) => client.registerAgent({ agent: descriptor(id) }, cb));
      if (!res.accepted) throw new Error(`registration of ${id} refused: ${res.reason}`);
    }
  } finally {
    client.close();
  }
}
