/** One behavioural suite every RegistryStore backend must pass (SQLite now, a clustered one later). */
import { AgentState, CommunicationClass, RegistrationType } from "@sw4rm/protocol";
import type { AgentRecord, RegistryStore } from "@sw4rm/server";
import { describe, expect, it } from "vitest";

export interface StoreFactory {
  /** A fresh, empty store. */
  make(): RegistryStore;
  /** Reopens the store `make` last returned (after close); undefined for non-durable backends. */
  reopen?(): RegistryStore;
}

function record(agentId: string, patch: Partial<AgentRecord> = {}): AgentRecord {
  return {
    descriptor: {
      agentId,
      name: `Agent ${agentId}`,
      description: "λ unicode ✓",
      capabilities: ["plan", "code"],
      communicationClass: CommunicationClass.BULK,
      modalitiesSupported: ["application/json", "image/*"],
      reasoningConnectors: ["http://localhost:9000"],
      publicKey: new Uint8Array([0, 1, 255]),
      registrationType: RegistrationType.SWARM_GATEWAY,
      maxConcurrentDelegations: 7,
    },
    state: AgentState.RUNNING,
    available: true,
    health: { cpu: "0.5", "näme": "ok" },
    registeredAtMs: 1_767_225_600_000,
    lastHeartbeatAtMs: 1_767_225_630_000,
    ...patch,
  };
}

export function runRegistryStoreSuite(name: string, factory: StoreFactory): void {
  describe(`RegistryStore: ${name}`, () => {
    it("starts empty and returns what was put, field for field", () => {
      const store = factory.make();
      expect(store.loadAll()).toEqual([]);
      store.put(record("a"));
      expect(store.loadAll()).toEqual([record("a")]);
      store.close();
    });

    it("put replaces an agent's record (re-register, heartbeat, availability)", () => {
      const store = factory.make();
      store.put(record("a"));
      store.put(record("a", { state: AgentState.SHUTTING_DOWN, available: false, health: {} }));
      expect(store.loadAll()).toEqual([record("a", { state: AgentState.SHUTTING_DOWN, available: false, health: {} })]);
      store.close();
    });

    it("remove deletes only that agent and reports whether it existed", () => {
      const store = factory.make();
      store.put(record("a"));
      store.put(record("b"));
      expect(store.remove("a")).toBe(true);
      expect(store.remove("a")).toBe(false);
      expect(store.loadAll().map((r) => r.descriptor.agentId)).toEqual(["b"]);
      store.close();
    });

    it("keeps every record across close and reopen (durable backends)", () => {
      if (!factory.reopen) return;
      const store = factory.make();
      store.put(record("a"));
      store.put(record("b", { available: false }));
      store.remove("a");
      store.close();
      const again = factory.reopen();
      expect(again.loadAll()).toEqual([record("b", { available: false })]);
      again.close();
    });
  });
}
