/**
 * The registry's behaviour: registration, heartbeats, liveness and deregistration (spec §14, doc
 * §1.11–1.12). Implements AgentDirectory for the router and scheduler. Time comes from the injected
 * Clock so liveness is testable with a ManualClock.
 *
 * Records live in memory (the directory reads them synchronously); the store is their durable copy,
 * loaded by `Registry.open` and written before a change becomes visible, is announced or is answered.
 * Changes run one at a time in arrival order, so a read and the write based on it never interleave
 * with another change (a re-registration racing a heartbeat must not revert its state).
 */
import {
  type AgentDescriptor,
  AgentState,
  agentLifecycle,
  type Clock,
  DEFAULTS,
  type TimerHandle,
} from "@sw4rm/protocol";
import type { AgentChange, AgentDirectory, AgentRecord, Logger } from "../../contracts.js";
import { SerialQueue } from "../../storage/serialQueue.js";
import type { RegistryStore } from "./store.js";
import { checkDescriptor } from "./validation.js";

export interface RegistryOptions {
  /** Expected heartbeat interval (ms). Default 30 000 (doc §1.12, Rust AgentConfig). */
  readonly heartbeatIntervalMs?: number;
  /** Consecutive missed intervals before an agent is marked unavailable. Default 3. */
  readonly missedHeartbeats?: number;
}

export const DEFAULT_MISSED_HEARTBEATS = 3;

export type RegisterResult =
  | { readonly accepted: true; readonly agent: AgentRecord; readonly updated: boolean }
  | { readonly accepted: false; readonly reason: string };

export interface RegistryDeps {
  readonly store: RegistryStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options?: RegistryOptions;
}

export class Registry implements AgentDirectory {
  readonly livenessWindowMs: number;
  readonly #store: RegistryStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #agents = new Map<string, AgentRecord>();
  readonly #timers = new Map<string, TimerHandle>();
  readonly #listeners = new Set<(change: AgentChange) => void>();
  readonly #changes = new SerialQueue();
  #closed = false;

  /** Loads every stored agent; available ones get a full liveness window from now. */
  static async open(deps: RegistryDeps): Promise<Registry> {
    const registry = new Registry(deps);
    for (const record of await deps.store.loadAll()) registry.#adopt(record);
    return registry;
  }

  private constructor(deps: RegistryDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    const interval = deps.options?.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs;
    const misses = deps.options?.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS;
    if (!(interval > 0) || !(misses >= 1)) throw new RangeError("heartbeat interval must be > 0 and misses >= 1");
    this.livenessWindowMs = interval * misses;
  }

  get(agentId: string): AgentRecord | undefined {
    return this.#agents.get(agentId);
  }

  list(): readonly AgentRecord[] {
    return [...this.#agents.values()];
  }

  subscribe(listener: (change: AgentChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates and stores the descriptor; re-registering an id replaces its descriptor (doc §1.12). */
  async register(input: AgentDescriptor | undefined): Promise<RegisterResult> {
    const check = checkDescriptor(input);
    if (!check.ok) return { accepted: false, reason: check.reason };
    const descriptor = check.descriptor;
    return this.#change(async () => {
      const now = this.#clock.now();
      const previous = this.#agents.get(descriptor.agentId);
      const record: AgentRecord = {
        descriptor,
        // spec §8: agents register while INITIALIZING; a re-registration keeps the reported state.
        state: previous?.state ?? AgentState.INITIALIZING,
        available: true,
        health: previous?.health ?? {},
        registeredAtMs: previous?.registeredAtMs ?? now,
        lastHeartbeatAtMs: now,
      };
      await this.#save(record);
      this.#armLiveness(descriptor.agentId);
      if (!previous) {
        this.#logger.info({ agent_id: descriptor.agentId }, "agent registered");
        this.#emit({ kind: "joined", agent: record });
      } else {
        this.#logger.info({ agent_id: descriptor.agentId }, "agent re-registered");
        this.#emit({ kind: "updated", agent: record });
        if (!previous.available) this.#emit({ kind: "availability", agent: record });
      }
      return { accepted: true, agent: record, updated: previous !== undefined };
    });
  }

  /**
   * Records the reported state and health. Unknown agents get false (they must register first).
   * Illegal lifecycle transitions are logged, not refused: the agent knows its state better than we do.
   */
  async heartbeat(agentId: string, state: AgentState, health: Readonly<Record<string, string>>): Promise<boolean> {
    if (AgentState[state] === undefined) {
      this.#logger.warn({ agent_id: agentId, state }, "heartbeat with unknown agent state refused");
      return false;
    }
    return this.#change(async () => {
      const previous = this.#agents.get(agentId);
      if (!previous) return false;
      // UNSPECIFIED means "not reported": keep what we know.
      const next = state === AgentState.AGENT_STATE_UNSPECIFIED ? previous.state : state;
      if (next !== previous.state && !agentLifecycle.canTransition(previous.state, next)) {
        this.#logger.warn(
          { agent_id: agentId, from: AgentState[previous.state], to: AgentState[next] },
          "illegal agent state transition reported in heartbeat (recorded anyway)",
        );
      }
      const record: AgentRecord = {
        ...previous,
        state: next,
        available: true,
        health: { ...health },
        lastHeartbeatAtMs: this.#clock.now(),
      };
      await this.#save(record);
      this.#armLiveness(agentId);
      if (next !== previous.state) this.#emit({ kind: "state", agent: record, previous: previous.state });
      if (!previous.available) {
        this.#logger.info({ agent_id: agentId }, "agent available again");
        this.#emit({ kind: "availability", agent: record });
      }
      return true;
    });
  }

  /** The only way an agent leaves the registry (spec §14). Idempotent: unknown ids return false. */
  async deregister(agentId: string, reason: string): Promise<boolean> {
    return this.#change(async () => {
      if (!this.#agents.has(agentId)) return false;
      await this.#store.remove(agentId);
      this.#timers.get(agentId)?.cancel();
      this.#timers.delete(agentId);
      this.#agents.delete(agentId);
      this.#logger.info({ agent_id: agentId, reason }, "agent deregistered");
      this.#emit({ kind: "left", agentId, reason });
      return true;
    });
  }

  /** Resolves once every change started so far (calls and liveness expiries) is stored and applied. */
  settled(): Promise<void> {
    return this.#changes.idle();
  }

  /** Stops liveness timers and waits for changes in progress; the store stays open (its owner closes it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
    await this.#changes.idle();
    this.#listeners.clear();
  }

  /** Runs a change after every change queued before it. */
  #change<T>(job: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("the registry is closed"));
    return this.#changes.run(job);
  }

  #adopt(record: AgentRecord): void {
    this.#agents.set(record.descriptor.agentId, record);
    // Server downtime is not the agents' fault: every available agent gets a full window from now.
    if (record.available) this.#armLiveness(record.descriptor.agentId);
  }

  async #save(record: AgentRecord): Promise<void> {
    // Persist first: an update we could not store must not be visible (or announced) in memory.
    await this.#store.put(record);
    this.#agents.set(record.descriptor.agentId, record);
  }

  #armLiveness(agentId: string): void {
    if (this.#closed) return;
    this.#timers.get(agentId)?.cancel();
    this.#timers.set(
      agentId,
      this.#clock.setTimer(this.livenessWindowMs, () => this.#expire(agentId)),
    );
  }

  /** Missed heartbeats mark the agent unavailable; they never remove it (spec §14). */
  #expire(agentId: string): void {
    this.#timers.delete(agentId);
    if (this.#closed) return;
    this.#changes
      .run(async () => {
        const previous = this.#agents.get(agentId);
        // A heartbeat or re-registration queued before this re-armed the window: nothing expired.
        if (this.#closed || !previous?.available || this.#timers.has(agentId)) return;
        const record: AgentRecord = { ...previous, available: false };
        await this.#save(record);
        this.#logger.warn({ agent_id: agentId, window_ms: this.livenessWindowMs }, "agent missed heartbeats: unavailable");
        this.#emit({ kind: "availability", agent: record });
      })
      .catch((err: unknown) => this.#logger.error({ err, agent_id: agentId }, "could not persist agent unavailability"));
  }

  #emit(change: AgentChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (err) {
        this.#logger.error({ err, change: change.kind }, "agent directory listener failed");
      }
    }
  }
}
