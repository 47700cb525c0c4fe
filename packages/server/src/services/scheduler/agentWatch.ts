/**
 * Follows the agent directory for the scheduler: whether an agent may receive tasks now (spec §8.1),
 * and the state timeouts of spec §8.3. The scheduler cannot force an agent's state, so a timeout is
 * recorded ("agent X timed out in STATE (code)"), logged, published as an event, and the agent gets
 * no work until the directory reports a different state.
 */
import { AGENT_STATE_TIMEOUTS, AgentState, acceptsTasks, type Clock, type TimerHandle } from "@sw4rm/protocol";
import type { AgentChange, AgentDirectory, Logger } from "../../contracts.js";
import type { SchedulerEvent } from "./types.js";

export interface AgentTimeout {
  readonly agentId: string;
  readonly state: string;
  readonly code: string;
  readonly atMs: number;
}

export interface AgentWatchOptions {
  readonly directory: AgentDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Overrides by state name (e.g. { INITIALIZING: 1000 }). */
  readonly timeoutsMs?: Readonly<Partial<Record<string, number>>>;
  /** Called after any directory change, so the scheduler re-evaluates its queue. */
  readonly onChange: (change?: AgentChange) => void;
  readonly onEvent: (event: SchedulerEvent) => void;
}

const stateName = (s: AgentState): string => AgentState[s] ?? String(s);

export class AgentWatch {
  readonly #o: AgentWatchOptions;
  readonly #lastState = new Map<string, AgentState>();
  readonly #timers = new Map<string, TimerHandle>();
  readonly #timedOut = new Map<string, AgentTimeout>();
  readonly #unsubscribe: () => void;

  constructor(options: AgentWatchOptions) {
    this.#o = options;
    // The directory does not say since when an agent is in its state, so timers start now.
    for (const agent of options.directory.list()) this.#observe(agent.descriptor.agentId, agent.state);
    this.#unsubscribe = options.directory.subscribe((change) => this.#onChange(change));
  }

  /** Why `agentId` cannot be given a task now, or undefined. */
  blockReason(agentId: string): string | undefined {
    const agent = this.#o.directory.get(agentId);
    if (!agent) return `agent ${agentId} is not registered`;
    if (!agent.available) return `agent ${agentId} is unavailable (missed heartbeats)`;
    if (!acceptsTasks(agent.state))
      return `agent ${agentId} is ${stateName(agent.state)} (spec §8.1: no new tasks in this state)`;
    const t = this.#timedOut.get(agentId);
    if (t) return `agent ${agentId} timed out in ${t.state} (${t.code})`;
    return undefined;
  }

  timeouts(): AgentTimeout[] {
    return [...this.#timedOut.values()];
  }

  close(): void {
    this.#unsubscribe();
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  #onChange(change: AgentChange): void {
    if (change.kind === "left") this.#forget(change.agentId);
    else this.#observe(change.agent.descriptor.agentId, change.agent.state);
    this.#o.onChange(change);
  }

  #forget(agentId: string): void {
    this.#timers.get(agentId)?.cancel();
    this.#timers.delete(agentId);
    this.#timedOut.delete(agentId);
    this.#lastState.delete(agentId);
  }

  #observe(agentId: string, state: AgentState): void {
    if (this.#lastState.get(agentId) === state) return;
    this.#forget(agentId);
    this.#lastState.set(agentId, state);
    const spec = AGENT_STATE_TIMEOUTS.find((t) => t.state === state);
    if (!spec) return;
    const ms = this.#o.timeoutsMs?.[stateName(state)] ?? spec.ms;
    this.#timers.set(
      agentId,
      this.#o.clock.setTimer(ms, () => this.#expire(agentId, state, spec.code)),
    );
  }

  #expire(agentId: string, state: AgentState, code: string): void {
    this.#timers.delete(agentId);
    if (this.#o.directory.get(agentId)?.state !== state) return;
    const record: AgentTimeout = { agentId, state: stateName(state), code, atMs: this.#o.clock.now() };
    this.#timedOut.set(agentId, record);
    // spec §8.3: timeout-driven transitions MUST be logged.
    this.#o.logger.warn(
      { agentId, state: record.state, code, to: "FAILED_STATE" },
      `agent ${agentId} timed out in ${record.state} (${code})`,
    );
    this.#o.onEvent({ type: "agent_state_timeout", ...record });
    this.#o.onChange();
  }
}
