import { type Clock, ErrorCode, Sw4rmError, systemClock, type WorktreeState, worktreeLifecycle } from "@sw4rm/protocol";
import { MemoryStore, type RecordStore } from "../storage/recordStore.js";

export interface WorktreeRef {
  readonly repoId: string;
  readonly worktreeId: string;
}

export interface SwitchRequestInfo {
  readonly from: WorktreeRef;
  readonly to: WorktreeRef;
  readonly ttlMs: number;
  readonly requestedBy: string;
}

/** Policy hooks (spec §16): throw from beforeBind to refuse; approveSwitch decides non-home switches (default: deny). */
export interface WorktreePolicy {
  beforeBind?(target: WorktreeRef): void | Promise<void>;
  afterBind?(target: WorktreeRef): void | Promise<void>;
  approveSwitch?(request: SwitchRequestInfo): boolean | Promise<boolean>;
}

/** The persisted worktree binding of one agent. */
export interface WorktreeSnapshot {
  readonly state: WorktreeState;
  readonly home: WorktreeRef | null;
  readonly current: WorktreeRef | null;
  /** When a non-home binding ends (TTL, spec §16). */
  readonly nonHomeUntilMs: number | null;
  /** Why the last bind failed (`worktree_not_found`, `permission_denied`, ...). */
  readonly reason: string;
  readonly updatedAtMs: number;
}

export interface WorktreeStateOptions {
  readonly store?: RecordStore<WorktreeSnapshot>;
  readonly policy?: WorktreePolicy;
  readonly clock?: Clock;
}

const KEY = "worktree";

/** Durable worktree binding state machine (spec §16) on worktreeLifecycle, with policy hooks. */
export class PersistentWorktreeState {
  readonly #store: RecordStore<WorktreeSnapshot>;
  readonly #policy: WorktreePolicy;
  readonly #clock: Clock;
  #snap: WorktreeSnapshot;

  constructor(options: WorktreeStateOptions = {}) {
    this.#store = options.store ?? new MemoryStore();
    this.#policy = options.policy ?? {};
    this.#clock = options.clock ?? systemClock;
    this.#snap = this.#store.load().get(KEY) ?? {
      state: "UNBOUND",
      home: null,
      current: null,
      nonHomeUntilMs: null,
      reason: "",
      updatedAtMs: this.#clock.now(),
    };
  }

  /** Binds the home worktree. A policy refusal moves to BIND_FAILED and rethrows. */
  async bind(repoId: string, worktreeId: string): Promise<WorktreeSnapshot> {
    const target = { repoId, worktreeId };
    worktreeLifecycle.assertTransition(this.#expire().state, "BOUND_HOME");
    try {
      await this.#policy.beforeBind?.(target);
    } catch (error) {
      const e = Sw4rmError.from(error);
      this.#move("BIND_FAILED", { reason: e.reason ?? e.message });
      throw e;
    }
    this.#move("BOUND_HOME", { home: target, current: target, reason: "" });
    await this.#policy.afterBind?.(target);
    return this.#snap;
  }

  async unbind(): Promise<WorktreeSnapshot> {
    const state = this.#expire().state;
    if (state === "UNBOUND") return this.#snap;
    this.#move("UNBOUND", { home: null, current: null, nonHomeUntilMs: null });
    return this.#snap;
  }

  /** Requests a time-limited switch to a non-home worktree; the policy's approveSwitch decides. */
  async requestSwitch(to: WorktreeRef, ttlMs: number, requestedBy = ""): Promise<WorktreeSnapshot> {
    const snap = this.#expire();
    worktreeLifecycle.assertTransition(snap.state, "SWITCH_PENDING");
    const from = snap.home ?? to;
    this.#move("SWITCH_PENDING", {});
    const approved = (await this.#policy.approveSwitch?.({ from, to, ttlMs, requestedBy })) ?? false;
    if (!approved) {
      this.#move("BOUND_HOME", { reason: "switch_rejected" });
      throw new Sw4rmError(ErrorCode.PERMISSION_DENIED, `switch to ${to.repoId}/${to.worktreeId} was not approved`, {
        reason: "switch_rejected",
      });
    }
    this.#move("BOUND_NON_HOME", { current: to, nonHomeUntilMs: this.#clock.now() + ttlMs, reason: "" });
    return this.#snap;
  }

  /** Ends a non-home binding early (SWITCH_REVOKE). */
  revoke(): WorktreeSnapshot {
    if (this.#expire().state === "BOUND_NON_HOME")
      this.#move("BOUND_HOME", { current: this.#snap.home, nonHomeUntilMs: null });
    return this.#snap;
  }

  /** The worktree the agent works in now, or undefined when unbound. */
  current(): WorktreeRef | undefined {
    return this.#expire().current ?? undefined;
  }

  status(): WorktreeSnapshot {
    return this.#expire();
  }

  close(): void {
    this.#store.close();
  }

  #expire(): WorktreeSnapshot {
    const s = this.#snap;
    if (s.state === "BOUND_NON_HOME" && s.nonHomeUntilMs !== null && this.#clock.now() >= s.nonHomeUntilMs)
      this.#move("BOUND_HOME", { current: s.home, nonHomeUntilMs: null, reason: "switch_ttl_expired" });
    return this.#snap;
  }

  #move(state: WorktreeState, patch: Partial<WorktreeSnapshot>): void {
    if (state !== this.#snap.state) worktreeLifecycle.assertTransition(this.#snap.state, state);
    this.#snap = { ...this.#snap, ...patch, state, updatedAtMs: this.#clock.now() };
    this.#store.put(KEY, this.#snap);
  }
}
