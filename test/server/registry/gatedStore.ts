/** A RegistryStore whose writes can be held back, to interleave calls between a read and its write. */
import type { AgentRecord, RegistryStore } from "@sw4rm/server";

export class GatedRegistryStore implements RegistryStore {
  readonly #inner: RegistryStore;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  /** Writes that reached the store while it was held. */
  waiting = 0;

  constructor(inner: RegistryStore) {
    this.#inner = inner;
  }

  /** Holds every write from now until `release()`. */
  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  loadAll(): Promise<AgentRecord[]> {
    return this.#inner.loadAll();
  }

  async put(record: AgentRecord): Promise<void> {
    await this.#wait();
    return this.#inner.put(record);
  }

  async remove(agentId: string): Promise<boolean> {
    await this.#wait();
    return this.#inner.remove(agentId);
  }

  describe(): string {
    return this.#inner.describe();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  async #wait(): Promise<void> {
    if (!this.#gate) return;
    this.waiting++;
    await this.#gate;
  }
}
