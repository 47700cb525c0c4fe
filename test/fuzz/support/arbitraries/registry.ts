/**
 * Valid-looking RegistryService requests (encoded with ts-proto): ids from the fuzz agent pool mixed
 * with absurd ones, descriptions around the 200-word limit, MIME lists with wildcards and junk,
 * unknown enum values, health maps from empty to thousands of entries.
 */
import {
  type AgentDescriptor,
  DeregisterAgentRequest,
  HeartbeatRequest,
  RegisterAgentRequest,
} from "@sw4rm/protocol";
import fc from "fast-check";
import { anyBytes, anyString } from "./values.js";

export interface RegistryPools {
  readonly agents: readonly string[];
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
const mime = fc.oneof(
  fc.constantFrom("application/json", "text/plain", "*/*", "text/*", "application/*", "image/png; q=0.5"),
  fc.constantFrom("", "json", "/", "a/b/c", " text/plain "),
  anyString,
);

function descriptor(pools: RegistryPools): fc.Arbitrary<AgentDescriptor> {
  return fc.record({
    agentId: fc.oneof({ arbitrary: fc.constantFrom(...pools.agents), weight: 4 }, { arbitrary: anyString, weight: 2 }),
    name: fc.oneof(fc.constant("fuzz agent"), anyString),
    description: fc.oneof(anyString, fc.constantFrom(199, 200, 201, 5000).map(words)),
    capabilities: fc.array(anyString, { maxLength: 5 }),
    communicationClass: fc.integer({ min: -1, max: 5 }),
    modalitiesSupported: fc.array(mime, { maxLength: 4 }),
    reasoningConnectors: fc.array(anyString, { maxLength: 3 }),
    publicKey: anyBytes,
    registrationType: fc.integer({ min: -1, max: 4 }),
    maxConcurrentDelegations: fc.constantFrom(0, 1, 0xffffffff),
  });
}

const health = fc.oneof(
  fc.dictionary(anyString, anyString, { maxKeys: 5 }),
  fc.constantFrom(1000, 20_000).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]))),
);

/** A valid registration: pool agents again (an update) or new agents joining (announced to everyone). */
export function validRegister(pools: RegistryPools): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      agentId: fc.oneof(fc.constantFrom(...pools.agents), fc.integer({ min: 0, max: 999 }).map((n) => `fuzz-new-${n}`)),
      description: fc.constantFrom(0, 10, 200).map(words),
      modalities: fc.constantFrom(["*/*"], ["application/json", "text/*"], []),
    })
    .map(({ agentId, description, modalities }) =>
      RegisterAgentRequest.encode({
        agent: {
          agentId,
          name: `Fuzz ${agentId}`,
          description,
          capabilities: ["fuzz"],
          communicationClass: 0,
          modalitiesSupported: [...modalities],
          reasoningConnectors: [],
          publicKey: new Uint8Array(),
          registrationType: 0,
          maxConcurrentDelegations: 0,
        },
      }).finish(),
    );
}

export const plausibleRegistry = {
  registerAgent: (pools: RegistryPools) =>
    fc
      .option(descriptor(pools), { nil: undefined, freq: 10 })
      .map((agent) => RegisterAgentRequest.encode({ agent }).finish()),
  heartbeat: (pools: RegistryPools) =>
    fc
      .record({
        agentId: fc.oneof(fc.constantFrom(...pools.agents), anyString),
        state: fc.integer({ min: -1, max: 14 }),
        health,
      })
      .map((r) => HeartbeatRequest.encode(r).finish()),
  deregisterAgent: (pools: RegistryPools) =>
    fc
      .record({ agentId: fc.oneof(fc.constantFrom(...pools.agents), anyString), reason: anyString })
      .map((r) => DeregisterAgentRequest.encode(r).finish()),
};
