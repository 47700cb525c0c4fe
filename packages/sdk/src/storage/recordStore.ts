/**
 * The one persistence interface of the SDK runtime: a durable map of JSON records. Every mutation is
 * durable when the call returns (synchronous on purpose: the runtime orders "record the outcome"
 * strictly before "acknowledge the delivery"). Backends: JsonFileStore, SqliteStore, MemoryStore.
 */
export interface RecordStore<T> {
  /** Every stored record, keyed as stored. */
  load(): Map<string, T>;
  put(key: string, value: T): void;
  delete(keys: readonly string[]): void;
  close(): void;
}

/** Volatile store for tests and throwaway agents. Loses everything on exit, by design. */
export class MemoryStore<T> implements RecordStore<T> {
  readonly #map = new Map<string, T>();
  load(): Map<string, T> {
    return new Map(this.#map);
  }
  put(key: string, value: T): void {
    this.#map.set(key, structuredClone(value));
  }
  delete(keys: readonly string[]): void {
    for (const k of keys) this.#map.delete(k);
  }
  close(): void {}
}
