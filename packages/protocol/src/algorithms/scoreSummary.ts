/**
 * Score summary of a negotiation vote (conformance contract `score-summary-v1`).
 *
 * The common statistics here (mean, min, max, population std-dev, count) are shared
 * by every voting strategy in ./voting.ts, so they live in exactly one place.
 */

/** Summary statistics of a set of scored votes. Scores are 0..10, confidence 0..1. */
export interface ScoreSummary {
  readonly mean: number;
  readonly minScore: number;
  readonly maxScore: number;
  /** Population standard deviation (divide by n, not n-1). */
  readonly stdDev: number;
  /** Strategy-specific aggregate; for this summary the confidence-weighted mean. */
  readonly weightedMean: number;
  readonly voteCount: number;
}

/** The minimum a vote must carry to be summarised. */
export interface ScoredVote {
  readonly score: number;
  readonly confidence: number;
}

/** Statistics that do not depend on the aggregation strategy. */
export type ScoreStatistics = Omit<ScoreSummary, "weightedMean">;

/** Message used by every aggregator for empty input; adapters match on "empty list of votes". */
export const EMPTY_VOTES_MESSAGE = "Cannot aggregate empty list of votes";

/** Throws the shared empty-input error. Why: an aggregate of nothing has no meaningful value. */
export function assertVotesNonEmpty(votes: readonly unknown[]): void {
  if (votes.length === 0) {
    throw new Error(EMPTY_VOTES_MESSAGE);
  }
}

/**
 * mean, min, max, population std-dev and count of `scores`.
 * Loops instead of Math.min(...xs) so very large vote lists cannot overflow the call stack.
 */
export function scoreStatistics(scores: readonly number[]): ScoreStatistics {
  assertVotesNonEmpty(scores);
  const n = scores.length;
  let sum = 0;
  let minScore = Number.POSITIVE_INFINITY;
  let maxScore = Number.NEGATIVE_INFINITY;
  for (const s of scores) {
    sum += s;
    if (s < minScore) minScore = s;
    if (s > maxScore) maxScore = s;
  }
  const mean = sum / n;
  let squares = 0;
  for (const s of scores) {
    squares += (s - mean) ** 2;
  }
  // Population, not sample: vector `population-not-sample` pins [1,2,3] -> 0.8165.
  const stdDev = Math.sqrt(squares / n);
  return { mean, minScore, maxScore, stdDev, voteCount: n };
}

/**
 * Confidence-weighted mean Σ(score·confidence)/Σ(confidence), falling back to the
 * arithmetic mean when no vote carries weight (vector `zero-confidence-fallback`).
 */
export function confidenceWeightedMean(votes: readonly ScoredVote[], arithmeticMean: number): number {
  let weighted = 0;
  let totalConfidence = 0;
  for (const v of votes) {
    weighted += v.score * v.confidence;
    totalConfidence += v.confidence;
  }
  return totalConfidence > 0 ? weighted / totalConfidence : arithmeticMean;
}

/**
 * `score-summary-v1`: arithmetic statistics plus the confidence-weighted mean.
 * @throws Error containing "empty list of votes" when `votes` is empty.
 */
export function aggregateScoreSummary(votes: readonly ScoredVote[]): ScoreSummary {
  const stats = scoreStatistics(votes.map((v) => v.score));
  return { ...stats, weightedMean: confidenceWeightedMean(votes, stats.mean) };
}
