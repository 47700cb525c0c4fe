/**
 * Quorum evaluation for negotiation rooms (conformance contract `quorum-v1`).
 *
 * Pure: the caller owns deadlines and checks that voters are authorised; this only decides
 * whether enough distinct rostered critics voted and what to do when they did not.
 */

export type QuorumRule =
  | { readonly kind: "minimum_votes"; readonly value: number }
  | { readonly kind: "minimum_fraction"; readonly value: number }
  | { readonly kind: "require_all"; readonly value: boolean };

export type QuorumFailureMode = "fail_closed" | "fail_with_abstain" | "fail_with_available";

export type QuorumAction = "none" | "escalate_hitl" | "decided_with_abstains" | "decided_with_available";

/** A validated policy; build it with {@link createQuorumPolicy}. */
export interface QuorumPolicy {
  readonly rule: QuorumRule;
  readonly onFailure: QuorumFailureMode;
}

/** Untyped rule shape as it arrives from config or JSON; validated by createQuorumPolicy. */
export interface QuorumRuleInput {
  readonly kind: string;
  readonly value: unknown;
}

/** Synthetic vote generated for a rostered critic that did not vote (fail_with_abstain). */
export interface AbstainVote {
  readonly criticId: string;
  readonly score: 0;
  readonly confidence: 0;
  readonly passed: false;
  readonly abstain: true;
}

export interface QuorumOutcome<V> {
  readonly met: boolean;
  /** Distinct critics that voted AND are on the roster. */
  readonly received: number;
  /** Raw roster length, duplicates included. */
  readonly expected: number;
  readonly threshold: number;
  readonly action: QuorumAction;
  /** criticIds of generated abstain votes, in roster order. */
  readonly injected: readonly string[];
  /** Input votes unchanged (duplicates and outsiders kept), then any abstain votes. */
  readonly allVotes: readonly (V | AbstainVote)[];
  readonly reason?: string;
}

const FAILURE_MODES: readonly string[] = ["fail_closed", "fail_with_abstain", "fail_with_available"];

function isFailureMode(value: string): value is QuorumFailureMode {
  return FAILURE_MODES.includes(value);
}

function validateRule(rule: QuorumRuleInput): QuorumRule {
  const { kind, value } = rule;
  switch (kind) {
    case "minimum_votes":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        throw new TypeError(`minimum_votes needs a non-negative integer, got ${String(value)}`);
      }
      return { kind, value };
    case "minimum_fraction":
      // (0, 1]: 0 would make every quorum trivially met; > 1 could never be met.
      if (typeof value !== "number" || !(value > 0 && value <= 1)) {
        throw new TypeError(`minimum_fraction needs a number in (0, 1], got ${String(value)}`);
      }
      return { kind, value };
    case "require_all":
      if (typeof value !== "boolean") {
        throw new TypeError(`require_all needs a boolean, got ${String(value)}`);
      }
      return { kind, value };
    default:
      throw new TypeError(`Unknown quorum rule kind: ${String(kind)}`);
  }
}

/**
 * Build a validated policy. R44: an unknown `onFailure` is rejected here, at construction,
 * never silently treated as one of the known modes.
 * @throws TypeError for an unknown rule kind, an invalid rule value or an unknown onFailure.
 */
export function createQuorumPolicy(rule: QuorumRuleInput, onFailure = "fail_closed"): QuorumPolicy {
  if (!isFailureMode(onFailure)) {
    throw new TypeError(`Unknown quorum on_failure mode: ${String(onFailure)}`);
  }
  return Object.freeze({ rule: Object.freeze(validateRule(rule)), onFailure });
}

/** Default from the reference SDKs: MinimumFraction(0.5) + fail_closed. */
export const DEFAULT_QUORUM_POLICY: QuorumPolicy = createQuorumPolicy(
  { kind: "minimum_fraction", value: 0.5 },
  "fail_closed",
);

function thresholdFor(rule: QuorumRule, expected: number): number {
  switch (rule.kind) {
    case "minimum_votes":
      // Kept even for an empty roster (vector explicit-minimum-survives-empty-roster).
      return rule.value;
    case "minimum_fraction":
      // Ceiling, not strict majority: 0.5 of 2 is 1, 0.5 of 3 is 2.
      return Math.ceil(expected * rule.value);
    case "require_all":
      return rule.value ? expected : 0;
  }
}

/**
 * quorum-v1 `evaluate(votes, requested, policy)`.
 * `requested` is the roster; it may hold duplicates (counted in `expected`) and be empty.
 */
export function evaluateQuorum<V extends { readonly criticId: string }>(
  votes: readonly V[],
  requested: readonly string[],
  policy: QuorumPolicy = DEFAULT_QUORUM_POLICY,
): QuorumOutcome<V> {
  const roster = new Set(requested);
  const voted = new Set(votes.map((v) => v.criticId));
  // Distinct rostered voters only: duplicate ballots and outsiders must not reach quorum.
  let received = 0;
  for (const id of voted) {
    if (roster.has(id)) received++;
  }
  const expected = requested.length;
  const threshold = thresholdFor(policy.rule, expected);
  const base = { received, expected, threshold };

  if (received >= threshold) {
    return { ...base, met: true, action: "none", injected: [], allVotes: [...votes] };
  }

  switch (policy.onFailure) {
    case "fail_closed":
      return {
        ...base,
        met: false,
        action: "escalate_hitl",
        injected: [],
        allVotes: [...votes],
        reason: "Quorum not met — escalating to HITL",
      };
    case "fail_with_available":
      return {
        ...base,
        met: false,
        action: "decided_with_available",
        injected: [],
        allVotes: [...votes],
        reason: `Quorum not met (${received}/${threshold}) — deciding with available votes`,
      };
    case "fail_with_abstain": {
      // One abstain per missing rostered critic, roster order, each critic at most once.
      const injected: string[] = [];
      const seen = new Set<string>();
      for (const id of requested) {
        if (!voted.has(id) && !seen.has(id)) {
          seen.add(id);
          injected.push(id);
        }
      }
      const abstains: AbstainVote[] = injected.map((criticId) => ({
        criticId,
        score: 0,
        confidence: 0,
        passed: false,
        abstain: true,
      }));
      return {
        ...base,
        met: false,
        action: "decided_with_abstains",
        injected,
        allVotes: [...votes, ...abstains],
        reason: `Quorum not met (${received}/${threshold}) — deciding with ${injected.length} abstain vote(s)`,
      };
    }
  }
}
