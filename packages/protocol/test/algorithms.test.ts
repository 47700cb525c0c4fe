/** Extra cases beside the upstream conformance vectors (see conformance.test.ts). */
import { describe, expect, it } from "vitest";
import {
  type AggregationStrategy,
  aggregateBordaCount,
  aggregateMajorityVote,
  aggregateScoreSummary,
  aggregateSimpleAverage,
  aggregateVotes,
  CancellationManager,
  clampChildGrace,
  computeIdempotencyToken,
  createQuorumPolicy,
  DEFAULT_QUORUM_POLICY,
  type DelegationAttemptRequest,
  type DelegationReply,
  type DelegationRequestInput,
  delegateToSwarm,
  evaluateQuorum,
  isConsensus,
  isPolarized,
  type NegotiationVoteLike,
  scoreEntropy,
} from "../src/algorithms/index.js";
import { ErrorCode } from "../src/gen/index.js";

const vote = (score: number, passed = true, confidence = 1): NegotiationVoteLike => ({ score, confidence, passed });
const scores = (...xs: number[]): NegotiationVoteLike[] => xs.map((s) => vote(s));

describe("voting strategies", () => {
  it("Borda is score-sensitive (R22): [9,9,9] and [1,1,1] differ at equal vote_count", () => {
    const high = aggregateBordaCount(scores(9, 9, 9));
    const low = aggregateBordaCount(scores(1, 1, 1));
    expect(high.voteCount).toBe(low.voteCount);
    expect(high.weightedMean).not.toBeCloseTo(low.weightedMean, 9);
    expect(high.weightedMean).toBeCloseTo(9, 12);
    expect(low.weightedMean).toBeCloseTo(1, 12);
  });

  it("Borda ranks by score, so input order does not matter", () => {
    expect(aggregateBordaCount(scores(1, 9, 1)).weightedMean).toBeCloseTo(5, 12);
    expect(aggregateBordaCount(scores(1, 1, 9)).weightedMean).toBeCloseTo(5, 12);
  });

  it.each([
    ["all passed", [true, true, true], 10],
    ["all failed", [false, false], 0],
    ["majority passed", [true, true, false], 7.5],
    ["majority failed", [true, false, false], 2.5],
    ["tie", [true, false], 5],
  ] as const)("majority vote: %s", (_name, passes, expected) => {
    const votes = passes.map((p, i) => vote(i + 1, p));
    const out = aggregateMajorityVote(votes);
    expect(out.weightedMean).toBe(expected);
    // Common statistics still come from the scores.
    expect(out.mean).toBeCloseTo(aggregateSimpleAverage(votes).mean, 12);
    expect(out.voteCount).toBe(passes.length);
  });

  it("simple average ignores confidence; confidence-weighted (default) uses it", () => {
    const votes = [vote(2, true, 0.25), vote(10, true, 0.75)];
    expect(aggregateVotes(votes, "simple_average").weightedMean).toBeCloseTo(6, 12);
    expect(aggregateVotes(votes).weightedMean).toBeCloseTo(8, 12);
    expect(aggregateVotes(votes, "confidence_weighted")).toEqual(aggregateScoreSummary(votes));
  });

  it("every strategy and helper rejects empty input with 'empty list of votes'", () => {
    const strategies: AggregationStrategy[] = ["simple_average", "confidence_weighted", "majority_vote", "borda_count"];
    for (const s of strategies) expect(() => aggregateVotes([], s)).toThrow("empty list of votes");
    expect(() => isConsensus([])).toThrow("empty list of votes");
    expect(() => isPolarized([])).toThrow("empty list of votes");
    expect(() => scoreEntropy([])).toThrow("empty list of votes");
  });

  it("rejects an unknown strategy name arriving from untyped config", () => {
    expect(() => aggregateVotes(scores(1), "median" as AggregationStrategy)).toThrow(TypeError);
  });
});

describe("consensus, polarisation, entropy", () => {
  it("consensus needs tight scores and pass/fail agreement ≥ threshold", () => {
    expect(isConsensus([vote(7), vote(7.5), vote(8)])).toBe(true);
    // Tight scores but only 2/3 agree.
    const split = [vote(7), vote(7.5), vote(8, false)];
    expect(isConsensus(split)).toBe(false);
    expect(isConsensus(split, 0.6)).toBe(true);
    // Everyone passes but the scores are spread (std-dev ≥ 2).
    expect(isConsensus(scores(2, 9))).toBe(false);
    expect(() => isConsensus(scores(5), 1.5)).toThrow(RangeError);
  });

  it("polarisation: two camps at the extremes and an empty middle", () => {
    expect(isPolarized(scores(0, 1, 9, 10))).toBe(true);
    expect(isPolarized(scores(0, 3, 7, 10))).toBe(true); // 3.0 counts as low, 7.0 as high
    expect(isPolarized(scores(0, 0, 0, 5, 10, 10, 10))).toBe(true); // middle 1/7 ≤ 20%
    expect(isPolarized(scores(0, 0, 5, 5, 10, 10))).toBe(false); // middle 2/6 > 20%
    expect(isPolarized(scores(0, 10))).toBe(false); // fewer than 3 votes
    expect(isPolarized(scores(1, 1, 1, 1, 9))).toBe(false); // high camp 20% < 30%
    expect(isPolarized(scores(3, 3, 7, 7))).toBe(false); // std-dev 2 < 3
  });

  it("entropy over 5 bins of width 2, in bits", () => {
    expect(scoreEntropy(scores(5, 5, 5))).toBe(0);
    expect(scoreEntropy(scores(1, 3, 5, 7, 9))).toBeCloseTo(Math.log2(5), 12);
    expect(scoreEntropy(scores(0, 10))).toBeCloseTo(1, 12);
    expect(scoreEntropy(scores(9, 10))).toBe(0); // 10 falls in the last bin [8, 10]
    expect(scoreEntropy(scores(1.99, 2))).toBeCloseTo(1, 12); // bin edges are half-open
  });
});

describe("quorum policy validation (R44) and defaults", () => {
  it("rejects an unknown on_failure when the policy is built", () => {
    expect(() => createQuorumPolicy({ kind: "minimum_votes", value: 1 }, "fail_open")).toThrow(TypeError);
    expect(() => createQuorumPolicy({ kind: "minimum_votes", value: 1 }, "")).toThrow(TypeError);
  });

  it.each([
    ["negative count", { kind: "minimum_votes", value: -1 }],
    ["fractional count", { kind: "minimum_votes", value: 1.5 }],
    ["zero fraction", { kind: "minimum_fraction", value: 0 }],
    ["fraction above 1", { kind: "minimum_fraction", value: 1.5 }],
    ["NaN fraction", { kind: "minimum_fraction", value: Number.NaN }],
    ["non-boolean require_all", { kind: "require_all", value: 1 }],
    ["unknown kind", { kind: "supermajority", value: 0.66 }],
  ])("rejects %s", (_name, rule) => {
    expect(() => createQuorumPolicy(rule, "fail_closed")).toThrow(TypeError);
  });

  it("accepts the boundary values and defaults on_failure to fail_closed", () => {
    expect(createQuorumPolicy({ kind: "minimum_fraction", value: 1 }).onFailure).toBe("fail_closed");
    expect(createQuorumPolicy({ kind: "minimum_votes", value: 0 }).rule).toEqual({ kind: "minimum_votes", value: 0 });
  });

  it("default policy is minimum_fraction 0.5 + fail_closed", () => {
    expect(DEFAULT_QUORUM_POLICY).toEqual({ rule: { kind: "minimum_fraction", value: 0.5 }, onFailure: "fail_closed" });
    expect(evaluateQuorum([{ criticId: "a" }], ["a", "b"]).met).toBe(true);
    const out = evaluateQuorum([], ["a", "b", "c"]);
    expect(out).toMatchObject({ met: false, threshold: 2, action: "escalate_hitl" });
    expect(out.reason).toBe("Quorum not met — escalating to HITL");
  });

  it("fail_with_abstain injects one abstain per missing critic even if the roster repeats it", () => {
    const policy = createQuorumPolicy({ kind: "require_all", value: true }, "fail_with_abstain");
    const out = evaluateQuorum([{ criticId: "a" }], ["a", "b", "b", "c"], policy);
    expect(out.injected).toEqual(["b", "c"]);
    expect(out.allVotes).toEqual([
      { criticId: "a" },
      { criticId: "b", score: 0, confidence: 0, passed: false, abstain: true },
      { criticId: "c", score: 0, confidence: 0, passed: false, abstain: true },
    ]);
  });
});

/** A deterministic gateway/clock harness for delegateToSwarm. */
function harness(nowStart: number) {
  let now = nowStart;
  const slept: number[] = [];
  return {
    nowMs: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const baseRequest = (overrides: Partial<DelegationRequestInput> = {}): DelegationRequestInput => ({
  requestId: "req-1",
  fromAgent: "parent",
  toAgent: "gateway-a",
  reason: "delegate",
  budget: { deadlineEpochMs: 20_000, wallTimeRemainingMs: 10_000 },
  ...overrides,
});

const overloaded = (retryAfterMs = 0): DelegationReply => ({
  accepted: false,
  rejectionCode: ErrorCode.OVERLOADED,
  rejectionReason: "busy",
  retryAfterMs,
});

describe("delegateToSwarm", () => {
  it("reproduces the upstream inline wall-time case: [500, 470, 330]", async () => {
    // Upstream sdks/js_sdk/test/crossSdk.test.ts: attempt 1 takes 30 ms and redirects to
    // gateway-b; attempt 2 takes 20 ms and is OVERLOADED with retry_after 100 → with
    // randUniform at its upper bound the wait is 100 + 20 % = 120; attempt 3 accepts.
    const h = harness(10_000);
    const wallTimes: number[] = [];
    const send = async (req: DelegationAttemptRequest): Promise<DelegationReply> => {
      wallTimes.push(req.budget.wallTimeRemainingMs);
      if (wallTimes.length === 1) {
        h.advance(30);
        return { accepted: false, rejectionCode: ErrorCode.REDIRECT, redirectToAgentId: "gateway-b" };
      }
      if (wallTimes.length === 2) {
        h.advance(20);
        return overloaded(100);
      }
      return { accepted: true };
    };
    const { response, attempts } = await delegateToSwarm({
      request: baseRequest({
        budget: { deadlineEpochMs: 20_000, wallTimeRemainingMs: 500 },
        policy: { allowSpilloverRouting: true, maxRedirects: 3, maxRetriesOnOverloaded: 1 },
      }),
      send,
      nowMs: h.nowMs,
      sleep: h.sleep,
      randUniform: (_low, high) => high,
    });
    expect(response.accepted).toBe(true);
    expect(attempts).toEqual(["gateway-a", "gateway-b", "gateway-b"]);
    expect(wallTimes).toEqual([500, 470, 330]);
    expect(h.slept).toEqual([120]);
  });

  it("retries OVERLOADED honouring retryAfterMs plus 0–20 % jitter", async () => {
    const h = harness(1_000);
    const replies = [overloaded(1000), overloaded(1000), { accepted: true }];
    const jitterCalls: [number, number][] = [];
    const { response, attempts } = await delegateToSwarm({
      request: baseRequest(),
      send: async () => replies.shift() ?? { accepted: true },
      nowMs: h.nowMs,
      sleep: h.sleep,
      randUniform: (low, high) => {
        jitterCalls.push([low, high]);
        return high / 2;
      },
    });
    expect(response.accepted).toBe(true);
    expect(attempts).toEqual(["gateway-a", "gateway-a", "gateway-a"]);
    expect(jitterCalls).toEqual([
      [0, 200],
      [0, 200],
    ]);
    expect(h.slept).toEqual([1100, 1100]);
  });

  it("without a retry hint backs off exponentially from 250 ms ×2, capped at 2000", async () => {
    const h = harness(1_000);
    const { response, attempts } = await delegateToSwarm({
      request: baseRequest({ policy: { maxRetriesOnOverloaded: 5 } }),
      send: async () => overloaded(),
      nowMs: h.nowMs,
      sleep: h.sleep,
      randUniform: (_low, high) => high,
    });
    expect(h.slept).toEqual([250, 500, 1000, 2000, 2000]);
    expect(attempts).toHaveLength(6);
    // Retries exhausted: the last OVERLOADED is returned as is.
    expect(response).toMatchObject({ accepted: false, rejectionCode: ErrorCode.OVERLOADED, rejectionReason: "busy" });
  });

  it("defaults to 2 OVERLOADED retries and 0 means never retry", async () => {
    const h = harness(1_000);
    const twice = await delegateToSwarm({
      request: baseRequest(),
      send: async () => overloaded(10),
      nowMs: h.nowMs,
      sleep: h.sleep,
      randUniform: (low) => low,
    });
    expect(twice.attempts).toHaveLength(3);
    const never = await delegateToSwarm({
      request: baseRequest({ policy: { maxRetriesOnOverloaded: 0 } }),
      send: async () => overloaded(10),
      nowMs: h.nowMs,
      sleep: h.sleep,
    });
    expect(never.attempts).toEqual(["gateway-a"]);
    expect(never.response.rejectionCode).toBe(ErrorCode.OVERLOADED);
  });

  it("stops retrying when the wait would exceed the remaining wall time or deadline", async () => {
    const h = harness(1_000);
    const byWallTime = await delegateToSwarm({
      request: baseRequest({ budget: { deadlineEpochMs: 100_000, wallTimeRemainingMs: 1_000 } }),
      send: async () => overloaded(5_000),
      nowMs: h.nowMs,
      sleep: h.sleep,
      randUniform: (low) => low,
    });
    expect(byWallTime.attempts).toEqual(["gateway-a"]);
    expect(byWallTime.response.rejectionCode).toBe(ErrorCode.OVERLOADED);
    const byDeadline = await delegateToSwarm({
      request: baseRequest({ budget: { deadlineEpochMs: 1_500, wallTimeRemainingMs: 100_000 } }),
      send: async () => overloaded(1_000),
      nowMs: h.nowMs,
      sleep: h.sleep,
      randUniform: (low) => low,
    });
    expect(byDeadline.attempts).toEqual(["gateway-a"]);
    expect(h.slept).toEqual([]);
  });

  it("fails fast with ACK_TIMEOUT when one attempt uses up a 50 ms budget", async () => {
    const h = harness(10_000);
    const { response, attempts } = await delegateToSwarm({
      request: baseRequest({
        budget: { deadlineEpochMs: 20_000, wallTimeRemainingMs: 50 },
        policy: { allowSpilloverRouting: true, maxRedirects: 3 },
      }),
      send: async () => {
        h.advance(75);
        return { accepted: false, rejectionCode: ErrorCode.REDIRECT, redirectToAgentId: "gateway-b" };
      },
      nowMs: h.nowMs,
      sleep: h.sleep,
    });
    expect(response.accepted).toBe(false);
    expect(response.rejectionCode).toBe(ErrorCode.ACK_TIMEOUT);
    expect(response.rejectionReason).toContain("deadline exhausted");
    expect(attempts).toEqual(["gateway-a"]);
  });

  it("an acceptance counts even if that attempt used up the budget", async () => {
    const h = harness(10_000);
    const { response } = await delegateToSwarm({
      request: baseRequest({ budget: { deadlineEpochMs: 20_000, wallTimeRemainingMs: 50 } }),
      send: async () => {
        h.advance(75);
        return { accepted: true };
      },
      nowMs: h.nowMs,
    });
    expect(response).toEqual({
      accepted: true,
      rejectionCode: ErrorCode.ERROR_CODE_UNSPECIFIED,
      rejectionReason: "",
      redirectToAgentId: "",
      retryAfterMs: 0,
    });
  });

  it("returns ACK_TIMEOUT without sending when the budget is already spent", async () => {
    for (const budget of [
      { deadlineEpochMs: 20_000, wallTimeRemainingMs: 0 },
      { deadlineEpochMs: 5_000, wallTimeRemainingMs: 10_000 }, // now 10 000 > deadline
    ]) {
      const { response, attempts } = await delegateToSwarm({
        request: baseRequest({ budget }),
        send: async () => ({ accepted: true }),
        nowMs: () => 10_000,
      });
      expect(response.rejectionCode).toBe(ErrorCode.ACK_TIMEOUT);
      expect(attempts).toEqual([]);
    }
  });

  it("rejects a depth at or beyond the max (0 → 3) with VALIDATION_ERROR before sending", async () => {
    const send = async (): Promise<DelegationReply> => ({ accepted: true });
    const run = (currentDepth: number, maxDelegationDepth?: number) =>
      delegateToSwarm({
        request: baseRequest({
          budget: { deadlineEpochMs: 20_000, wallTimeRemainingMs: 1_000, currentDepth, maxDelegationDepth },
        }),
        send,
        nowMs: () => 10_000,
      });
    const tooDeep = await run(3, 0);
    expect(tooDeep.response.rejectionCode).toBe(ErrorCode.VALIDATION_ERROR);
    expect(tooDeep.attempts).toEqual([]);
    expect((await run(2, 0)).response.accepted).toBe(true);
    expect((await run(5, 5)).response.rejectionCode).toBe(ErrorCode.VALIDATION_ERROR);
    expect((await run(4, 5)).response.accepted).toBe(true);
  });

  it("throws TypeError for deadlineEpochMs 0 (usage error)", async () => {
    await expect(
      delegateToSwarm({
        request: baseRequest({ budget: { deadlineEpochMs: 0, wallTimeRemainingMs: 1_000 } }),
        send: async () => ({ accepted: true }),
      }),
    ).rejects.toThrow(TypeError);
  });

  it("passes other rejections through unchanged and trims redirect targets", async () => {
    const denied = await delegateToSwarm({
      request: baseRequest(),
      send: async () => ({ accepted: false, rejectionCode: ErrorCode.PERMISSION_DENIED, rejectionReason: "nope" }),
      nowMs: () => 10_000,
    });
    expect(denied.response).toMatchObject({ rejectionCode: ErrorCode.PERMISSION_DENIED, rejectionReason: "nope" });

    const replies: DelegationReply[] = [
      { accepted: false, rejectionCode: ErrorCode.REDIRECT, redirectToAgentId: "  gateway-b\t" },
      { accepted: true },
    ];
    const trimmed = await delegateToSwarm({
      request: baseRequest({ policy: { allowSpilloverRouting: true } }),
      send: async () => replies.shift() ?? { accepted: true },
      nowMs: () => 10_000,
    });
    expect(trimmed.attempts).toEqual(["gateway-a", "gateway-b"]);
  });
});

describe("cancellation", () => {
  it("clampChildGrace: a child never outlives its parent's remaining grace", () => {
    expect(clampChildGrace(3_000, 10_000)).toBe(3_000);
    expect(clampChildGrace(10_000, 6_000)).toBe(6_000);
    expect(clampChildGrace(-50, 6_000)).toBe(0);
    expect(() => clampChildGrace(Number.NaN, 1)).toThrow(TypeError);
  });

  it("a repeated cancel does not restart or extend the grace period", () => {
    let now = 1_000;
    const m = new CancellationManager({ nowMs: () => now });
    m.handleCancelDelegation({ correlationId: "c", reason: "stop", gracePeriodMs: 6_000 });
    now = 4_000;
    m.handleCancelDelegation({ correlationId: "c", reason: "again", gracePeriodMs: 60_000 });
    expect(m.getFlag("c")).toMatchObject({ cancelTimeMs: 1_000, gracePeriodMs: 6_000, reason: "stop" });
    expect(m.isGraceExpired("c")).toBe(false); // uses the manager's clock by default
    now = 7_000;
    expect(m.isGraceExpired("c")).toBe(true);
    expect(m.forcedPreemptionErrorCode("c")).toBe(ErrorCode.FORCED_PREEMPTION);
  });

  it("grandchildren are flagged only when the cancel is forwarded to their parent (R21)", () => {
    const m = new CancellationManager({ nowMs: () => 0 });
    m.registerChildDelegation("root", "child");
    m.registerChildDelegation("child", "grandchild");
    m.handleCancelDelegation({ correlationId: "root", reason: "abort", gracePeriodMs: 5_000 });
    expect(m.isCancelled("grandchild")).toBe(false);
    m.handleCancelDelegation({ correlationId: "child", reason: "forwarded", gracePeriodMs: 5_000 });
    expect(m.isCancelled("grandchild")).toBe(true);
  });

  it("collectForcedPreemptions skips ids still in grace and ids never cancelled", () => {
    let now = 0;
    const m = new CancellationManager({ nowMs: () => now });
    m.handleCancelDelegation({ correlationId: "early", reason: "x", gracePeriodMs: 5_000 });
    now = 3_000;
    m.handleCancelDelegation({ correlationId: "late", reason: "x", gracePeriodMs: 5_000 });
    expect(m.collectForcedPreemptions(["early", "late", "active"], 5_000)).toEqual(["early"]);
    expect(m.forcedPreemptionErrorCode("active", 1e9)).toBe(ErrorCode.ERROR_CODE_UNSPECIFIED);
  });
});

describe("idempotency token", () => {
  const bytes = new TextEncoder().encode('{"a":1,"b":2}');

  it("rejects empty fields and LF inside producerId/operation (R43)", () => {
    expect(() => computeIdempotencyToken({ producerId: "", operation: "w", canonicalBytes: bytes })).toThrow(TypeError);
    expect(() => computeIdempotencyToken({ producerId: "a", operation: "", canonicalBytes: bytes })).toThrow(TypeError);
    expect(() => computeIdempotencyToken({ producerId: "a\n", operation: "w", canonicalBytes: bytes })).toThrow(
      TypeError,
    );
  });

  it("is stable across calls and Buffer/Uint8Array views of the same bytes", () => {
    const a = computeIdempotencyToken({ producerId: "agent", operation: "work", canonicalBytes: bytes });
    const b = computeIdempotencyToken({ producerId: "agent", operation: "work", canonicalBytes: Buffer.from(bytes) });
    expect(a).toBe(b);
    expect(a).toBe("agent:work:f65efee16e55e693");
  });
});
