/**
 * The registry's behaviour: registration, heartbeats, liveness and deregistration (spec §14, doc
 * §1.11–1.12). Implements AgentDirectory for the router and scheduler. Time comes from the injected
 * Clock so liveness is testable with a ManualClock.
 */
import {
  type AgentDescriptor,
  AgentState,
  agentLifecycle,
  type Clock,
  DEFAULTS,
  type TimerHandle,
} from "@sw4rm/protocol";
import type { AgentChange, AgentDirectory, AgentRecord, Logger } from "../contracts.js";
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
  #closed = false;

  constructor(deps: RegistryDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    const interval = deps.options?.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs;
    const misses = deps.options?.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS;
    if (!(interval > 0) || !(misses >= 1)) throw new RangeError("heartbeat interval must be > 0 and misses >= 1");
    this.livenessWindowMs = interval * misses;
    for (const record of this.#store.loadAll()) {
      this.#agents.set(record.descriptor.agentId, record);
      // Server downtime is not the agents' fault: every available agent gets a full window from now.
      if (record.available) this.#armLiveness(record.descriptor.agentId);
    }
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
  register(input: AgentDescriptor | undefined): RegisterResult {
    const check = checkDescriptor(input);
    if (!check.ok) return { accepted: false, reason: check.reason };
    const descriptor = check.descriptor;
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
    this.#save(record);
    this.#armLiveness(descriptor.agentId);
    if (!previous) {
      this.#logger.info({ agentId: descriptor.agentId }, "agent registered");
      this.#emit({ kind: "joined", agent: record });
    } else {
      this.#logger.info({ agentId: descriptor.agentId }, "agent re-registered");
      this.#emit({ kind: "updated", agent: record });
      if (!previous.available) this.#emit({ kind: "availability", agent: record });
    }
    return { accepted: true, agent: record, updated: previous !== undefined };
  }

  /**
   * Records the reported state and health. Unknown agents get false (they must register first).
   * Illegal lifecycle transitions are logged, not refused: the agent knows its state better than we do.
   */
  heartbeat(agentId: string, state: AgentState, health: Readonly<Record<string, string>>): boolean {
    const previous = this.#agents.get(agentId);
    if (!previous) return false;
    if (AgentState[state] === undefined) {
      this.#logger.warn({ agentId, state }, "heartbeat with unknown agent state refused");
      return false;
    }
    // UNSPECIFIED means "not reported": keep what we know.
    const next = state === AgentState.AGENT_STATE_UNSPECIFIED ? previous.state : state;
    if (next !== previous.state && !agentLifecycle.canTransition(previous.state, next)) {
      this.#logger.warn(
        { agentId, from: AgentState[previous.state], to: AgentState[next] },
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
    this.#save(record);
    this.#armLiveness(agentId);
    if (next !== previous.state) this.#emit({ kind: "state", agent: record, previous: previous.state });
    if (!previous.available) {
      this.#logger.info({ agentId }, "agent available again");
      this.#emit({ kind: "availability", agent: record });
    }
    return true;
  }

  /** The only way an agent leaves the registry (spec §14). Idempotent: unknown ids return false. */
  deregister(agentId: string, reason: string): boolean {
    this.#timers.get(agentId)?.cancel();
    this.#timers.delete(agentId);
    if (!this.#agents.has(agentId)) return false;
    this.#store.remove(agentId);
    this.#agents.delete(agentId);
    this.#logger.info({ agentId, reason }, "agent deregistered");
    this.#emit({ kind: "left", agentId, reason });
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
    this.#listeners.clear();
    this.#store.close();
  }

  #save(record: AgentRecord): void {
    // Persist first: an update we could not store must not be visible (or announced) in memory.
    this.#store.put(record);
    this.#agents.set(record.descriptor.agentId, record);
  }

  #armLiveness(agentId: string): void {
    this.#timers.get(agentId)?.cancel();
    this.#timers.set(
      agentId,
      this.#clock.setTimer(this.livenessWindowMs, () => this.#expire(agentId)),
    );
  }

  /** Missed heartbeats mark the agent unavailable; they never remove it (spec §14). */
  #expire(agentId: string): void {
    this.#timers.delete(agentId);
    const previous = this.#agents.get(agentId);
    if (this.#closed || !previous?.available) return;
    const record: AgentRecord = { ...previous, available: false };
    try {
      this.#save(record);
    } catch (err) {
      this.#logger.error({ err, agentId }, "could not persist agent unavailability");
      return;
    }
    this.#logger.warn({ agentId, windowMs: this.livenessWindowMs }, "agent missed heartbeats: unavailable");
    this.#emit({ kind: "availability", agent: record });
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
