import { AgentState, EnvelopeState } from "./gen/index.js";
import { StateMachine } from "./stateMachine.js";

const S = AgentState;

/**
 * The 12-state agent lifecycle (spec §8, App. C, doc §1.11). AGENT_STATE_UNSPECIFIED is the
 * pseudo-state before INITIALIZING (as the JS SDK stores it).
 */
export const agentLifecycle = new StateMachine<AgentState>(
  "agent state",
  [
    [S.AGENT_STATE_UNSPECIFIED, [S.INITIALIZING]],
    [S.INITIALIZING, [S.RUNNABLE, S.FAILED_STATE]],
    [S.RUNNABLE, [S.SCHEDULED]],
    [S.SCHEDULED, [S.RUNNING]],
    [S.RUNNING, [S.WAITING, S.WAITING_RESOURCES, S.SUSPENDED, S.COMPLETED, S.FAILED_STATE, S.SHUTTING_DOWN]],
    [S.WAITING, [S.RUNNING]],
    [S.WAITING_RESOURCES, [S.RUNNING, S.FAILED_STATE]],
    [S.SUSPENDED, [S.RESUMED, S.FAILED_STATE]],
    [S.RESUMED, [S.RUNNING]],
    [S.COMPLETED, [S.RUNNABLE]],
    [S.FAILED_STATE, [S.RECOVERING]],
    [S.SHUTTING_DOWN, [S.FAILED_STATE]],
    [S.RECOVERING, [S.RUNNABLE, S.FAILED_STATE, S.SHUTTING_DOWN]],
  ],
  (s) => AgentState[s] ?? String(s),
);

export interface StateTimeout {
  readonly state: AgentState;
  readonly ms: number;
  /** Where the timeout leads. */
  readonly to: AgentState;
  /** The spec's string error code (no ErrorCode value exists, doc §1.15). */
  readonly code: string;
}

/** RECOMMENDED state timeouts (spec §8.3). WAITING has none (task-specific). */
export const AGENT_STATE_TIMEOUTS: readonly StateTimeout[] = [
  { state: S.INITIALIZING, ms: 60_000, to: S.FAILED_STATE, code: "init_timeout" },
  { state: S.WAITING_RESOURCES, ms: 300_000, to: S.FAILED_STATE, code: "resource_timeout" },
  { state: S.SUSPENDED, ms: 3_600_000, to: S.FAILED_STATE, code: "suspend_timeout" },
  { state: S.RECOVERING, ms: 120_000, to: S.FAILED_STATE, code: "recovery_timeout" },
  { state: S.SHUTTING_DOWN, ms: 30_000, to: S.FAILED_STATE, code: "agent_shutdown_timeout" },
];

export function stateTimeoutFor(state: AgentState): StateTimeout | undefined {
  return AGENT_STATE_TIMEOUTS.find((t) => t.state === state);
}

/** States in which an agent must not be given new tasks (spec §8.1). */
export function acceptsTasks(state: AgentState): boolean {
  return state !== S.INITIALIZING && state !== S.SHUTTING_DOWN && state !== S.FAILED_STATE;
}

/** Message lifecycle states (spec App. C). RETRYING has no EnvelopeState value (doc Part 5 #5). */
export type MessageLifecycleState =
  | "SENT"
  | "RECEIVED"
  | "READ"
  | "FULFILLED"
  | "REJECTED"
  | "FAILED"
  | "TIMED_OUT"
  | "RETRYING";

export const messageLifecycle = new StateMachine<MessageLifecycleState>("message state", [
  ["SENT", ["RECEIVED", "TIMED_OUT", "REJECTED", "FAILED"]],
  ["RECEIVED", ["READ", "REJECTED", "FAILED", "FULFILLED"]],
  ["READ", ["FULFILLED", "REJECTED", "FAILED", "TIMED_OUT"]],
  ["TIMED_OUT", ["RETRYING"]],
  ["RETRYING", ["SENT"]],
  ["FULFILLED", []],
  ["REJECTED", []],
  ["FAILED", []],
]);

export const TERMINAL_MESSAGE_STATES: ReadonlySet<MessageLifecycleState> = new Set([
  "FULFILLED",
  "REJECTED",
  "FAILED",
  "TIMED_OUT",
]);

const ENVELOPE_STATE_OF: Readonly<Record<Exclude<MessageLifecycleState, "RETRYING">, EnvelopeState>> = {
  SENT: EnvelopeState.ENVELOPE_STATE_SENT,
  RECEIVED: EnvelopeState.ENVELOPE_STATE_RECEIVED,
  READ: EnvelopeState.ENVELOPE_STATE_READ,
  FULFILLED: EnvelopeState.ENVELOPE_STATE_FULFILLED,
  REJECTED: EnvelopeState.ENVELOPE_STATE_REJECTED,
  FAILED: EnvelopeState.ENVELOPE_STATE_FAILED,
  TIMED_OUT: EnvelopeState.ENVELOPE_STATE_TIMED_OUT,
};

export function envelopeStateOf(state: MessageLifecycleState): EnvelopeState {
  return state === "RETRYING" ? EnvelopeState.ENVELOPE_STATE_SENT : ENVELOPE_STATE_OF[state];
}

/** Worktree binding states (spec §16); the wire carries the name in StatusResponse.state. */
export type WorktreeState = "UNBOUND" | "BOUND_HOME" | "SWITCH_PENDING" | "BOUND_NON_HOME" | "BIND_FAILED";

/** SDK numeric constants for the worktree states (0 = unspecified). */
export const WORKTREE_STATE_NUMBERS: Readonly<Record<WorktreeState, number>> = {
  UNBOUND: 1,
  BOUND_HOME: 2,
  SWITCH_PENDING: 3,
  BOUND_NON_HOME: 4,
  BIND_FAILED: 5,
};

export const worktreeLifecycle = new StateMachine<WorktreeState>("worktree state", [
  ["UNBOUND", ["BOUND_HOME", "BIND_FAILED"]],
  ["BIND_FAILED", ["UNBOUND", "BOUND_HOME"]],
  ["BOUND_HOME", ["SWITCH_PENDING", "UNBOUND"]],
  ["SWITCH_PENDING", ["BOUND_NON_HOME", "BOUND_HOME"]],
  ["BOUND_NON_HOME", ["BOUND_HOME", "UNBOUND"]],
]);
