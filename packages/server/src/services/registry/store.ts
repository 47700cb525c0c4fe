/**
 * The registry's storage seam: the durable record of registered agents, so a restart resumes with
 * every one of them (spec §14: only DeregisterAgent removes one). The Registry keeps its working
 * state in memory, loads this at start and writes each change through before it answers; the store
 * holds no protocol rules. Every backend passes test/server/registry/registryStoreSuite.ts.
 */
import type { AgentRecord } from "../../contracts.js";

export interface RegistryStore {
  /** Every stored record, ordered by agent id. */
  loadAll(): Promise<AgentRecord[]>;
  /** Stores the record, replacing the agent's previous one; durable once it resolves. */
  put(record: AgentRecord): Promise<void>;
  /** Deletes the agent's record; resolves true when there was one. */
  remove(agentId: string): Promise<boolean>;
  /** Which store this is, for error messages, e.g. "the registry store (SQLite, /data/registry.db)". */
  describe(): string;
  close(): Promise<void>;
}

/** Reference semantics of RegistryStore, kept in memory (tests, `storage.backend: memory`). */
export class MemoryRegistryStore implements RegistryStore {
  readonly #records = new Map<string, AgentRecord>();
  #closed = false;

  async loadAll(): Promise<AgentRecord[]> {
    this.#open();
    return [...this.#records.values()].sort((a, b) => compareIds(a.descriptor.agentId, b.descriptor.agentId));
  }

  async put(record: AgentRecord): Promise<void> {
    this.#open();
    this.#records.set(record.descriptor.agentId, record);
  }

  async remove(agentId: string): Promise<boolean> {
    this.#open();
    return this.#records.delete(agentId);
  }

  describe(): string {
    return "the registry store (memory, not durable)";
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new Error(`${this.describe()} is closed`);
  }
}

/** Binary (code unit) order, as SQLite's default collation sorts TEXT. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
