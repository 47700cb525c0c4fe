/**
 * Aggregation strategies over negotiation-room critic votes, plus distribution helpers
 * (consensus, polarisation, entropy). Borda follows conformance contract `borda-v1` (R22).
 *
 * All common statistics come from ./scoreSummary.ts; each strategy only decides `weightedMean`.
 */
import {
  assertVotesNonEmpty,
  confidenceWeightedMean,
  type ScoreStatistics,
  type ScoreSummary,
  scoreStatistics,
} from "./scoreSummary.js";

/** The fields of a NegotiationVote that aggregation reads. */
export interface NegotiationVoteLike {
  readonly criticId?: string;
  readonly score: number;
  readonly confidence: number;
  readonly passed: boolean;
}

export type AggregationStrategy = "simple_average" | "confidence_weighted" | "majority_vote" | "borda_count";

export const DEFAULT_AGGREGATION_STRATEGY: AggregationStrategy = "confidence_weighted";

function stats(votes: readonly NegotiationVoteLike[]): ScoreStatistics {
  return scoreStatistics(votes.map((v) => v.score));
}

function passFailCounts(votes: readonly NegotiationVoteLike[]): { passed: number; failed: number } {
  const passed = votes.filter((v) => v.passed).length;
  return { passed, failed: votes.length - passed };
}

/** Every vote counts equally; `weightedMean` is the arithmetic mean. */
export function aggregateSimpleAverage(votes: readonly NegotiationVoteLike[]): ScoreSummary {
  const s = stats(votes);
  return { ...s, weightedMean: s.mean };
}

/** Votes weighted by critic confidence (the default strategy); same rule as score-summary-v1. */
export function aggregateConfidenceWeighted(votes: readonly NegotiationVoteLike[]): ScoreSummary {
  const s = stats(votes);
  return { ...s, weightedMean: confidenceWeightedMean(votes, s.mean) };
}

/** Score the pass/fail split only: all passed 10, all failed 0, majority 7.5 / 2.5, tie 5. */
export function majorityVoteScore(votes: readonly NegotiationVoteLike[]): number {
  assertVotesNonEmpty(votes);
  const { passed, failed } = passFailCounts(votes);
  if (failed === 0) return 10;
  if (passed === 0) return 0;
  if (passed > failed) return 7.5;
  if (failed > passed) return 2.5;
  return 5;
}

/** Pass/fail majority; the numeric scores only feed the common statistics. */
export function aggregateMajorityVote(votes: readonly NegotiationVoteLike[]): ScoreSummary {
  const s = stats(votes);
  return { ...s, weightedMean: majorityVoteScore(votes) };
}

/**
 * Score-derived Borda (borda-v1 / R22): stable sort by score, highest first; rank i gets
 * n-i points; weightedMean = Σ points·score / Σ points. Why weighted by the scores: a
 * rank-only Borda gave [9,9,9] and [1,1,1] the same result, which R22 forbids.
 */
export function bordaWeightedMean(votes: readonly NegotiationVoteLike[]): number {
  assertVotesNonEmpty(votes);
  // Array.prototype.sort is stable (ES2019), so tied scores keep input order.
  const ranked = votes.map((v) => v.score).sort((a, b) => b - a);
  const n = ranked.length;
  let weighted = 0;
  let totalPoints = 0;
  ranked.forEach((score, rank) => {
    const points = n - rank;
    weighted += points * score;
    totalPoints += points;
  });
  return weighted / totalPoints;
}

export function aggregateBordaCount(votes: readonly NegotiationVoteLike[]): ScoreSummary {
  const s = stats(votes);
  return { ...s, weightedMean: bordaWeightedMean(votes) };
}

const STRATEGIES: Readonly<Record<AggregationStrategy, (votes: readonly NegotiationVoteLike[]) => ScoreSummary>> = {
  simple_average: aggregateSimpleAverage,
  confidence_weighted: aggregateConfidenceWeighted,
  majority_vote: aggregateMajorityVote,
  borda_count: aggregateBordaCount,
};

/**
 * Aggregate with the named strategy (default confidence-weighted).
 * @throws Error containing "empty list of votes" on empty input; TypeError on an unknown strategy.
 */
export function aggregateVotes(
  votes: readonly NegotiationVoteLike[],
  strategy: AggregationStrategy = DEFAULT_AGGREGATION_STRATEGY,
): ScoreSummary {
  // Own-property check: the strategy may come from untyped config at runtime.
  if (!Object.hasOwn(STRATEGIES, strategy)) {
    throw new TypeError(`Unknown aggregation strategy: ${String(strategy)}`);
  }
  return STRATEGIES[strategy](votes);
}

/**
 * Consensus: scores tightly clustered (std-dev < 2.0) AND at least `threshold` of the
 * critics agree on pass/fail.
 */
export function isConsensus(votes: readonly NegotiationVoteLike[], threshold = 0.8): boolean {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`threshold must be in [0, 1], got ${threshold}`);
  }
  const { stdDev, voteCount } = stats(votes);
  if (stdDev >= 2.0) return false;
  const { passed, failed } = passFailCounts(votes);
  return Math.max(passed, failed) / voteCount >= threshold;
}

/**
 * Polarisation (bimodal split): n ≥ 3, std-dev ≥ 3.0, ≥30% of scores ≤ 3, ≥30% ≥ 7,
 * and ≤20% strictly between 3 and 7. Fewer than 3 votes cannot form two camps.
 */
export function isPolarized(votes: readonly NegotiationVoteLike[]): boolean {
  const { stdDev, voteCount: n } = stats(votes);
  if (n < 3 || stdDev < 3.0) return false;
  let low = 0;
  let high = 0;
  let middle = 0;
  for (const { score } of votes) {
    if (score <= 3.0) low++;
    else if (score >= 7.0) high++;
    else middle++;
  }
  return low >= n * 0.3 && high >= n * 0.3 && middle <= n * 0.2;
}

const ENTROPY_BINS = 5;
const ENTROPY_BIN_WIDTH = 10 / ENTROPY_BINS;

/**
 * Shannon entropy (bits) of the scores over 5 bins of width 2 on [0, 10]:
 * 0 = every score in one bin, log2(5) = evenly spread. Score 10 belongs to the last bin;
 * out-of-range scores are clamped into the end bins rather than dropped.
 */
export function scoreEntropy(votes: readonly NegotiationVoteLike[]): number {
  assertVotesNonEmpty(votes);
  const counts = new Array<number>(ENTROPY_BINS).fill(0);
  for (const { score } of votes) {
    const bin = Math.min(Math.max(Math.floor(score / ENTROPY_BIN_WIDTH), 0), ENTROPY_BINS - 1);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  let entropy = 0;
  for (const count of counts) {
    if (count > 0) {
      const p = count / votes.length;
      entropy -= p * Math.log2(p);
    }
  }
  return entropy;
}
