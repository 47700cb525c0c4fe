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
    it("starts empty and returns what was put, field for field", async () => {
      const store = factory.make();
      expect(await store.loadAll()).toEqual([]);
      await store.put(record("a"));
      expect(await store.loadAll()).toEqual([record("a")]);
      await store.close();
    });

    it("put replaces an agent's record (re-register, heartbeat, availability)", async () => {
      const store = factory.make();
      await store.put(record("a"));
      await store.put(record("a", { state: AgentState.SHUTTING_DOWN, available: false, health: {} }));
      expect(await store.loadAll()).toEqual([
        record("a", { state: AgentState.SHUTTING_DOWN, available: false, health: {} }),
      ]);
      await store.close();
    });

    it("remove deletes only that agent and reports whether it existed", async () => {
      const store = factory.make();
      await store.put(record("a"));
      await store.put(record("b"));
      expect(await store.remove("a")).toBe(true);
      expect(await store.remove("a")).toBe(false);
      expect((await store.loadAll()).map((r) => r.descriptor.agentId)).toEqual(["b"]);
      await store.close();
    });

    it("loads records ordered by agent id, whatever the order they were put in", async () => {
      const store = factory.make();
      for (const id of ["m", "B", "a", "z9", "z10"]) await store.put(record(id));
      expect((await store.loadAll()).map((r) => r.descriptor.agentId)).toEqual(["B", "a", "m", "z10", "z9"]);
      await store.close();
    });

    it("describes itself for error messages", async () => {
      const store = factory.make();
      expect(store.describe()).toMatch(/^the registry store \(.+\)$/);
      await store.close();
    });

    it("refuses to be used after close", async () => {
      const store = factory.make();
      await store.close();
      await expect(store.loadAll()).rejects.toThrow();
      await expect(store.put(record("a"))).rejects.toThrow();
    });

    it("keeps every record across close and reopen (durable backends)", async () => {
      if (!factory.reopen) return;
      const store = factory.make();
      await store.put(record("a"));
      await store.put(record("b", { available: false }));
      await store.remove("a");
      await store.close();
      const again = factory.reopen();
      expect(await again.loadAll()).toEqual([record("b", { available: false })]);
      await again.close();
    });
  });
}
