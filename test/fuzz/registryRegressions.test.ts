/**
 * Regressions for registry fuzz findings: F1 (undecodable bytes → INVALID_ARGUMENT once the process
 * registers `component.service`), F3 (Heartbeat: unknown state and unbounded health map), F5
 * (descriptor sizes), F7 (agent_left announcements carrying a huge reason).
 */
import { addPipelineService } from "../support/pipeline.js";
import { Server, ServerCredentials, status } from "@grpc/grpc-js";
import { AgentState, HeartbeatRequest, HeartbeatResponse, ManualClock, RegisterAgentRequest } from "@sw4rm/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../packages/server/src/process/logger.js";
import { createRegistry, type RegistryComponent } from "../../packages/server/src/services/registry/index.js";
import { registryEventOf } from "../../packages/server/src/services/registry/notifier.js";
import { MemoryRegistryStore } from "../../packages/server/src/services/registry/store.js";
import {
  checkDescriptor,
  MAX_DESCRIPTION_LENGTH,
  MAX_HEALTH_ENTRIES,
  MAX_LIST_ENTRIES,
  MAX_PUBLIC_KEY_BYTES,
} from "../../packages/server/src/services/registry/validation.js";
import { descriptor } from "../support/agents.js";
import { UNDECODABLE_BODIES } from "./support/probes.js";
import { RawClient } from "./support/rawClient.js";

const PATH = "/sw4rm.registry.RegistryService";

describe("registry served with component.service", () => {
  let component: RegistryComponent;
  let server: Server;
  let client: RawClient;
  beforeAll(async () => {
    const logger = createLogger({ level: "silent" });
    component = await createRegistry({ store: new MemoryRegistryStore(), clock: new ManualClock(), logger });
    server = new Server();
    addPipelineService(server, component.definition, component.handlers, "registry");
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    client = new RawClient(`127.0.0.1:${port}`);
    const reg = RegisterAgentRequest.encode({ agent: descriptor("hb-agent") }).finish();
    await client.unary(`${PATH}/RegisterAgent`, Buffer.from(reg));
  });
  afterAll(async () => {
    client?.close();
    server?.forceShutdown();
    await component?.close();
  });

  it.each([
    ["RegisterAgent", "RegisterAgentRequest"],
    ["Heartbeat", "HeartbeatRequest"],
    ["DeregisterAgent", "DeregisterAgentRequest"],
  ])("%s answers undecodable bytes with INVALID_ARGUMENT naming sw4rm.registry.%s", async (method, type) => {
    for (const [how, body] of UNDECODABLE_BODIES) {
      const out = await client.unary(`${PATH}/${method}`, body);
      expect(out, how).toMatchObject({ kind: "error", code: status.INVALID_ARGUMENT });
      if (out.kind === "error") expect(out.details, how).toContain(`not a valid sw4rm.registry.${type}`);
    }
  });

  const heartbeat = (state: AgentState, health: Record<string, string>) => {
    const body = HeartbeatRequest.encode({ agentId: "hb-agent", state, health }).finish();
    return client.unary(`${PATH}/Heartbeat`, Buffer.from(body));
  };

  it("Heartbeat refuses an unknown AgentState with INVALID_ARGUMENT (was ok=false without a reason)", async () => {
    const out = await heartbeat(99 as AgentState, {});
    const details = "state: 99 is not a known AgentState (0..12)";
    expect(out).toMatchObject({ kind: "error", code: status.INVALID_ARGUMENT, details });
  });

  it("Heartbeat bounds the health map (entries and characters)", async () => {
    const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
    const ok = await heartbeat(AgentState.RUNNING, entries(MAX_HEALTH_ENTRIES));
    expect(ok.kind === "ok" && HeartbeatResponse.decode(ok.bytes).ok).toBe(true);
    expect(await heartbeat(AgentState.RUNNING, entries(MAX_HEALTH_ENTRIES + 1))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: `health: at most ${MAX_HEALTH_ENTRIES} entries`,
    });
    expect(await heartbeat(AgentState.RUNNING, { big: "x".repeat(70_000) })).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^health: at most \d+ characters/),
    });
  });
});

describe("checkDescriptor size limits", () => {
  const many = (value: (i: number) => string) => Array.from({ length: MAX_LIST_ENTRIES + 1 }, (_, i) => value(i));
  it.each([
    ["capabilities count", { capabilities: many((i) => `c${i}`) }, /^capabilities: at most 256 entries/],
    ["capability length", { capabilities: ["c".repeat(1025)] }, /^capabilities\[0\]: must be at most 1024 characters/],
    ["modalities count", { modalitiesSupported: many(() => "text/plain") }, /^modalities_supported: at most 256/],
    ["connector length", { reasoningConnectors: ["x".repeat(1025)] }, /^reasoning_connectors\[0\]: must be at most 1024/],
    ["8 KiB one-word description", { description: "w".repeat(MAX_DESCRIPTION_LENGTH + 1) }, /^description: .* 8192 char/],
    ["public key size", { publicKey: new Uint8Array(MAX_PUBLIC_KEY_BYTES + 1) }, /^public_key: must be at most 16384 bytes/],
  ])("refuses %s with a reason", (_name, override, reason) => {
    const result = checkDescriptor(descriptor("agent-1", override));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("still accepts lists and keys at the limits", () => {
    const ok = checkDescriptor(
      descriptor("agent-1", {
        capabilities: Array.from({ length: MAX_LIST_ENTRIES }, (_, i) => `c${i}`),
        publicKey: new Uint8Array(MAX_PUBLIC_KEY_BYTES),
      }),
    );
    expect(ok.ok).toBe(true);
  });
});

describe("agent_left announcement", () => {
  it("clips a huge DeregisterAgent reason so the NOTIFICATION stays under its 32 KiB limit", () => {
    const event = registryEventOf({ kind: "left", agentId: "a", reason: "r".repeat(100_000) }, 0);
    expect(event.reason?.length).toBeLessThan(1100);
    expect(event.reason).toMatch(/… \(98976 more characters\)$/);
    expect(registryEventOf({ kind: "left", agentId: "a", reason: "bye" }, 0).reason).toBe("bye");
  });
});
