import { Sw4rmError } from "./errors.js";
import { ErrorCode } from "./gen/index.js";

/**
 * A finite state machine as data: the legal transitions, plus a checker whose error names both states.
 * Used for the agent lifecycle (§8), the message lifecycle (App. C) and worktree binding (§16).
 */
export class StateMachine<S extends string | number> {
  readonly name: string;
  readonly transitions: ReadonlyMap<S, readonly S[]>;
  readonly #label: (s: S) => string;

  constructor(name: string, transitions: ReadonlyArray<readonly [S, readonly S[]]>, label: (s: S) => string = String) {
    this.name = name;
    this.transitions = new Map(transitions);
    this.#label = label;
  }

  canTransition(from: S, to: S): boolean {
    return this.transitions.get(from)?.includes(to) ?? false;
  }

  allowedFrom(from: S): readonly S[] {
    return this.transitions.get(from) ?? [];
  }

  /** Throws a VALIDATION_ERROR naming both states when `from -> to` is not a legal transition. */
  assertTransition(from: S, to: S): void {
    if (!this.canTransition(from, to)) {
      const allowed = this.allowedFrom(from).map(this.#label).join(", ") || "none (terminal)";
      throw new Sw4rmError(
        ErrorCode.VALIDATION_ERROR,
        `illegal ${this.name} transition ${this.#label(from)} -> ${this.#label(to)} (allowed from ${this.#label(from)}: ${allowed})`,
      );
    }
  }

  label(state: S): string {
    return this.#label(state);
  }
}
