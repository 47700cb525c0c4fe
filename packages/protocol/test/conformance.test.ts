/**
 * Upstream cross-SDK conformance vectors (rahulrajaram/sw4rm tests/conformance_vectors),
 * run with the comparison rules of /work/shared/conformance/README.md. One `it` per vector id.
 */
import { expect, it } from "vitest";
import {
  aggregateBordaCount,
  aggregateScoreSummary,
  CancellationManager,
  computeIdempotencyToken,
  createQuorumPolicy,
  type DelegationAttemptRequest,
  type DelegationReply,
  delegateToSwarm,
  evaluateQuorum,
  type ScoreSummary,
} from "../src/algorithms/index.js";
import { ErrorCode } from "../src/gen/index.js";
import { describeVectors } from "./support/vectors.js";

interface ExpectedSummary {
  readonly mean: number;
  readonly min_score: number;
  readonly max_score: number;
  readonly std_dev: number;
  readonly weighted_mean: number;
  readonly vote_count: number;
}

/** README §1/§4: means and std-dev to `digits` decimals, min/max/count exactly. */
function expectSummary(actual: ScoreSummary, expected: ExpectedSummary, digits: number): void {
  expect(actual.mean).toBeCloseTo(expected.mean, digits);
  expect(actual.stdDev).toBeCloseTo(expected.std_dev, digits);
  expect(actual.weightedMean).toBeCloseTo(expected.weighted_mean, digits);
  expect(actual.minScore).toBe(expected.min_score);
  expect(actual.maxScore).toBe(expected.max_score);
  expect(actual.voteCount).toBe(expected.vote_count);
}

function errorCodeByName(name: string): ErrorCode {
  if (name === "NONE") return ErrorCode.ERROR_CODE_UNSPECIFIED;
  const code = (ErrorCode as unknown as Record<string, ErrorCode | undefined>)[name];
  if (code === undefined) throw new Error(`unknown ErrorCode name ${name}`);
  return code;
}

// §1 borda-v1
interface BordaVector {
  readonly id: string;
  readonly votes: readonly { critic_id: string; score: number }[];
  readonly expected: ExpectedSummary;
}

describeVectors<BordaVector>("borda-v1 (borda_vectors.json)", "borda_vectors.json", (vectors) => {
  for (const v of vectors) {
    it(v.id, () => {
      // Adapters wrap each entry as a full vote with confidence 1.0 and passed true.
      const votes = v.votes.map((x) => ({ criticId: x.critic_id, score: x.score, confidence: 1, passed: true }));
      expectSummary(aggregateBordaCount(votes), v.expected, 9);
    });
  }
});

// §2 sw4rm-idempotency-bytes-v1
interface IdempotencyVector {
  readonly id: string;
  readonly producer_id: string;
  readonly operation: string;
  readonly canonical_hex: string;
  readonly token: string;
  readonly rejected?: boolean;
}

describeVectors<IdempotencyVector>(
  "sw4rm-idempotency-bytes-v1 (idempotency_vectors.json)",
  "idempotency_vectors.json",
  (vectors) => {
    for (const v of vectors) {
      it(v.id, () => {
        const input = {
          producerId: v.producer_id,
          operation: v.operation,
          canonicalBytes: new Uint8Array(Buffer.from(v.canonical_hex, "hex")),
        };
        if (v.rejected) {
          // R43: the `token` field is what a naive implementation would return; it must throw instead.
          expect(() => computeIdempotencyToken(input)).toThrow(TypeError);
        } else {
          expect(computeIdempotencyToken(input)).toBe(v.token);
        }
      });
    }
  },
);

// §3 quorum-v1
interface QuorumVector {
  readonly id: string;
  readonly requested: readonly string[];
  readonly votes: readonly { critic_id: string }[];
  readonly rule: { kind: string; value: number | boolean };
  readonly on_failure: string;
  readonly expected: {
    met: boolean;
    received: number;
    expected: number;
    threshold: number;
    action: string;
    injected: string[];
    all_vote_count: number;
  };
}

describeVectors<QuorumVector>("quorum-v1 (quorum_vectors.json)", "quorum_vectors.json", (vectors) => {
  for (const v of vectors) {
    it(v.id, () => {
      const policy = createQuorumPolicy(v.rule, v.on_failure);
      const votes = v.votes.map((x) => ({ criticId: x.critic_id }));
      const out = evaluateQuorum(votes, v.requested, policy);
      expect(out.met).toBe(v.expected.met);
      expect(out.received).toBe(v.expected.received);
      expect(out.expected).toBe(v.expected.expected);
      expect(out.threshold).toBe(v.expected.threshold);
      expect(out.action).toBe(v.expected.action);
      expect(out.injected).toEqual(v.expected.injected);
      expect(out.allVotes).toHaveLength(v.expected.all_vote_count);
      // Input votes are kept unchanged, in order, ahead of any abstains.
      expect(out.allVotes.slice(0, votes.length)).toEqual(votes);
      for (const injected of out.allVotes.slice(votes.length)) {
        expect(injected).toMatchObject({ score: 0, confidence: 0, passed: false, abstain: true });
      }
    });
  }
});

// §4 score-summary-v1
interface ScoreVector {
  readonly id: string;
  readonly votes: readonly { score: number; confidence: number }[];
  readonly expected?: ExpectedSummary;
  readonly error?: string;
}

describeVectors<ScoreVector>(
  "score-summary-v1 (score_aggregation_vectors.json)",
  "score_aggregation_vectors.json",
  (vectors) => {
    for (const v of vectors) {
      it(v.id, () => {
        if (v.error !== undefined) {
          expect(v.error).toBe("empty-votes");
          expect(() => aggregateScoreSummary(v.votes)).toThrow("empty list of votes");
          return;
        }
        if (v.expected === undefined) throw new Error(`${v.id}: neither expected nor error`);
        expectSummary(aggregateScoreSummary(v.votes), v.expected, 12);
      });
    }
  },
);

// §5 sw4_004_cancellation
interface CancellationVector {
  readonly id: string;
  readonly children: readonly { parent: string; child: string }[];
  readonly request: { correlation_id: string; reason: string; grace_period_ms: number };
  readonly expected: {
    acknowledged: boolean;
    effective_grace_period_ms: number;
    cancelled: string[];
    not_cancelled?: string[];
    grace_expiry_checks: { correlation_id: string; offset_ms: number; expired: boolean }[];
    forced_preemption_checks: { correlation_id: string; offset_ms: number; error_code: string }[];
    collect_forced: { active_correlations: string[]; offset_ms: number; expected: string[] };
  };
}

describeVectors<CancellationVector>(
  "sw4_004_cancellation (sw4_004_cancellation_vectors.json)",
  "sw4_004_cancellation_vectors.json",
  (vectors) => {
    for (const v of vectors) {
      it(v.id, () => {
        const e = v.expected;
        const manager = new CancellationManager({ nowMs: () => 1000 });
        for (const { parent, child } of v.children) manager.registerChildDelegation(parent, child);
        const ack = manager.handleCancelDelegation({
          correlationId: v.request.correlation_id,
          reason: v.request.reason,
          gracePeriodMs: v.request.grace_period_ms,
        });
        expect(ack.acknowledged).toBe(e.acknowledged);
        const root = manager.getFlag(v.request.correlation_id);
        if (root === undefined) throw new Error("root correlation was not flagged");
        expect(root.gracePeriodMs).toBe(e.effective_grace_period_ms);
        expect(ack.effectiveGracePeriodMs).toBe(e.effective_grace_period_ms);
        for (const id of e.cancelled) expect(manager.isCancelled(id), id).toBe(true);
        for (const id of e.not_cancelled ?? []) expect(manager.isCancelled(id), id).toBe(false);

        const nowFor = (id: string, offsetMs: number): number => {
          const flag = manager.getFlag(id);
          if (flag === undefined) throw new Error(`${id} has no flag`);
          return flag.cancelTimeMs + flag.gracePeriodMs + offsetMs;
        };
        for (const c of e.grace_expiry_checks) {
          expect(manager.isGraceExpired(c.correlation_id, nowFor(c.correlation_id, c.offset_ms))).toBe(c.expired);
        }
        for (const c of e.forced_preemption_checks) {
          const code = manager.forcedPreemptionErrorCode(c.correlation_id, nowFor(c.correlation_id, c.offset_ms));
          expect(code).toBe(errorCodeByName(c.error_code));
        }
        const cf = e.collect_forced;
        const forced = manager.collectForcedPreemptions(
          new Set(cf.active_correlations),
          root.cancelTimeMs + root.gracePeriodMs + cf.offset_ms,
        );
        expect([...forced].sort()).toEqual([...cf.expected].sort());
      });
    }
  },
);

// §6 sw4_005_gateway_delegate_to_swarm v2
interface DelegationVector {
  readonly id: string;
  readonly request_id: string;
  readonly from_agent: string;
  readonly to_agent: string;
  readonly reason: string;
  readonly now_ms_epoch_ms?: number;
  readonly budget: { deadline_epoch_ms: number; wall_time_remaining_ms: number };
  readonly policy: { allow_spillover_routing: boolean; max_redirects: number };
  readonly redirect_map: Readonly<Record<string, string>>;
  readonly accept_agents?: readonly string[];
  readonly expected: {
    accepted: boolean;
    rejection_code: string;
    attempts: string[];
    reason_contains?: string;
    redirect_to_agent_id?: string;
  };
}

describeVectors<DelegationVector>(
  "sw4_005_gateway_delegate_to_swarm (sw4_005_delegation_vectors.json)",
  "sw4_005_delegation_vectors.json",
  (vectors) => {
    for (const v of vectors) {
      it(v.id, async () => {
        // Fake gateway: record to_agent; accept listed agents, REDIRECT everything else per the map.
        const gatewayAttempts: string[] = [];
        const send = async (req: DelegationAttemptRequest): Promise<DelegationReply> => {
          gatewayAttempts.push(req.toAgent);
          if (v.accept_agents?.includes(req.toAgent)) return { accepted: true };
          return {
            accepted: false,
            rejectionCode: ErrorCode.REDIRECT,
            redirectToAgentId: v.redirect_map[req.toAgent] ?? "",
          };
        };
        const now = v.now_ms_epoch_ms ?? v.budget.deadline_epoch_ms - 1000;
        const { response, attempts } = await delegateToSwarm({
          request: {
            requestId: v.request_id,
            fromAgent: v.from_agent,
            toAgent: v.to_agent,
            reason: v.reason,
            // Python's adapter also sets token budget 5000, depth 1 of max 3.
            budget: {
              deadlineEpochMs: v.budget.deadline_epoch_ms,
              wallTimeRemainingMs: v.budget.wall_time_remaining_ms,
              tokenBudgetRemaining: 5000,
              currentDepth: 1,
              maxDelegationDepth: 3,
            },
            policy: {
              allowSpilloverRouting: v.policy.allow_spillover_routing,
              maxRedirects: v.policy.max_redirects,
            },
          },
          send,
          nowMs: () => now,
          sleep: async () => {
            throw new Error("no vector should sleep");
          },
        });
        const e = v.expected;
        expect(response.accepted).toBe(e.accepted);
        expect(response.rejectionCode).toBe(errorCodeByName(e.rejection_code));
        expect(gatewayAttempts).toEqual(e.attempts);
        expect(attempts).toEqual(e.attempts);
        if (e.reason_contains !== undefined) {
          expect(response.rejectionReason.toLowerCase()).toContain(e.reason_contains.toLowerCase());
        }
        if (e.redirect_to_agent_id !== undefined) {
          expect(response.redirectToAgentId).toBe(e.redirect_to_agent_id);
        }
      });
    }
  },
);
