/**
 * One fuzz input for an RPC: a base body (valid-looking, or generated from the request schema), an
 * optional byte-level mutation, and call metadata (usually none, sometimes absurd). Inputs print as
 * a short description plus the leading bytes in hex, so a failure report stays readable.
 */
import fc from "fast-check";
import { messageBody } from "./arbitraries/message.js";
import { absurdMetadata } from "./arbitraries/metadata.js";
import { applyMutation, describeMutation, mutation } from "./arbitraries/mutations.js";
import { plausibleRegistry, validRegister } from "./arbitraries/registry.js";
import { plausibleRouter, type ValidCall, validSend } from "./arbitraries/router.js";
import { plausibleScheduler, validSubmit } from "./arbitraries/scheduler.js";
import { FUZZ } from "./config.js";
import type { RpcSchema, ServiceKey } from "./descriptors.js";
import type { MetadataEntry } from "./rawClient.js";

export interface Pools {
  /** Agents registered before fuzzing (accepting any content type); nobody drains their queues. */
  readonly agents: readonly string[];
  readonly tasks: readonly string[];
  /** Agents whose queues are drained and whose tasks get done (sinks.ts). */
  readonly sinks: readonly string[];
}

export interface FuzzInput {
  readonly how: string;
  readonly body: Buffer;
  readonly metadata: readonly MetadataEntry[];
}

export function describeInput(i: FuzzInput): string {
  const head = i.body.subarray(0, 48).toString("hex");
  const md = i.metadata.length === 0 ? "" : ` metadata=[${summarizeMetadata(i.metadata)}]`;
  return `${i.how} body(${i.body.byteLength} B)=${head}${i.body.byteLength > 48 ? "…" : ""}${md}`;
}

function summarizeMetadata(md: readonly MetadataEntry[]): string {
  const byKey = new Map<string, { n: number; bytes: number; sample: string }>();
  for (const [k, v] of md) {
    const sample = typeof v === "string" ? v.slice(0, 24) : `<${v.byteLength} B>`;
    const e = byKey.get(k) ?? { n: 0, bytes: 0, sample };
    e.n++;
    e.bytes += v.length;
    byKey.set(k, e);
  }
  const keys = [...byKey.entries()];
  const shown = keys.slice(0, 4).map(([k, e]) => `${k}×${e.n}(${e.bytes} B)="${e.sample}"`);
  return keys.length > 4 ? `${shown.join(", ")}, … ${keys.length} keys` : shown.join(", ");
}

type Plausible = (pools: Pools) => Partial<Record<string, fc.Arbitrary<Uint8Array>>>;

const PLAUSIBLE: Readonly<Record<ServiceKey, Plausible>> = {
  router: (p) => ({
    SendMessage: plausibleRouter.sendMessage(p),
    StreamIncoming: plausibleRouter.streamIncoming(p),
    AckDelivery: plausibleRouter.ackDelivery(p),
  }),
  registry: (p) => ({
    RegisterAgent: plausibleRegistry.registerAgent(p),
    Heartbeat: plausibleRegistry.heartbeat(p),
    DeregisterAgent: plausibleRegistry.deregisterAgent(p),
  }),
  scheduler: (p) => {
    const s = plausibleScheduler(p);
    return {
      SubmitTask: s.submitTask,
      RequestPreemption: s.requestPreemption,
      ShutdownAgent: s.shutdownAgent,
      PollActivityBuffer: s.pollActivityBuffer,
      PurgeActivity: s.purgeActivity,
    };
  },
};

/** Requests that should succeed (with the metadata they need); they keep the happy path busy. */
const VALID: Readonly<Record<ServiceKey, (pools: Pools) => Partial<Record<string, fc.Arbitrary<ValidCall>>>>> = {
  router: (p) => ({ SendMessage: validSend(p) }),
  registry: (p) => ({ RegisterAgent: validRegister(p).map((body) => ({ body, metadata: [] })) }),
  scheduler: (p) => ({ SubmitTask: validSubmit(p).map((body) => ({ body, metadata: [] })) }),
};

interface Base {
  readonly how: string;
  readonly body: Uint8Array;
  readonly metadata: readonly MetadataEntry[];
}

function withPrinter(input: FuzzInput): FuzzInput {
  return Object.defineProperty(input, fc.toStringMethod, { value: () => describeInput(input), enumerable: false });
}

/** Inputs for `rpc`: valid-looking and schema-generated bodies, mutated or not, with or without absurd metadata. */
export function inputsFor(rpc: RpcSchema, pools: Pools): fc.Arbitrary<FuzzInput> {
  const none: readonly MetadataEntry[] = [];
  const bases: fc.Arbitrary<Base>[] = [
    messageBody(rpc.request, { depth: 3, maxRepeat: 20_000 }).map((body) => ({
      how: "structured",
      body,
      metadata: none,
    })),
  ];
  const plausible = PLAUSIBLE[rpc.service](pools)[rpc.name];
  if (plausible) bases.push(plausible.map((body) => ({ how: "plausible", body, metadata: none })));
  const valid = VALID[rpc.service](pools)[rpc.name];
  if (valid) bases.push(valid.map((v) => ({ how: "valid", ...v })));
  const parts = fc.record({ base: fc.oneof(...bases), mutation, metadata: absurdMetadata(pools.agents) });
  return parts.map(({ base: b, mutation: m, metadata }) => {
    const mutated = applyMutation(b.body, m);
    const body = Buffer.from(mutated.subarray(0, FUZZ.maxBodyBytes));
    const how = m.kind === "none" ? b.how : `${b.how}+${describeMutation(m)}`;
    return withPrinter({ how, body, metadata: [...b.metadata, ...metadata] });
  });
}
