/**
 * Caller side of SW4-005 spillover routing: `delegateToSwarm` sends a handoff carrying a
 * budget and a delegation policy, follows REDIRECTs and retries OVERLOADED rejections
 * (conformance suite `sw4_005_gateway_delegate_to_swarm` v2).
 *
 * Times are plain numbers (ms); converting from the wire's bigint BudgetEnvelope is the caller's job.
 */
import { ErrorCode } from "../gen/index.js";

/** SW4-004 BudgetEnvelope, caller view. */
export interface DelegationBudget {
  readonly deadlineEpochMs: number;
  readonly wallTimeRemainingMs: number;
  readonly tokenBudgetRemaining?: number;
  readonly currentDepth?: number;
  /** 0 or absent → {@link DEFAULT_MAX_DELEGATION_DEPTH}. */
  readonly maxDelegationDepth?: number;
}

/** SW4-004/005 SwarmDelegationPolicy; absent or non-positive numeric fields use the defaults. */
export interface DelegationPolicy {
  readonly allowSpilloverRouting: boolean;
  /** 0 → effective {@link DEFAULT_EFFECTIVE_MAX_REDIRECTS} (SW4-005 R-005). */
  readonly maxRedirects: number;
  readonly maxRetriesOnOverloaded: number;
  readonly initialBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly maxBackoffMs: number;
}

export interface DelegationRequestInput {
  readonly requestId: string;
  readonly fromAgent: string;
  readonly toAgent: string;
  readonly reason: string;
  readonly budget: DelegationBudget;
  readonly policy?: Partial<DelegationPolicy>;
}

/** What one attempt sends: the current target and the budget left at send time. */
export interface DelegationAttemptRequest {
  readonly requestId: string;
  readonly fromAgent: string;
  readonly toAgent: string;
  readonly reason: string;
  readonly budget: DelegationBudget;
  readonly policy: DelegationPolicy;
}

/** A gateway's HandoffResponse as the caller sees it; absent fields mean proto defaults. */
export interface DelegationReply {
  readonly accepted: boolean;
  readonly rejectionCode?: ErrorCode;
  readonly rejectionReason?: string;
  readonly redirectToAgentId?: string;
  readonly retryAfterMs?: number;
}

export interface DelegationResponse {
  readonly accepted: boolean;
  readonly rejectionCode: ErrorCode;
  readonly rejectionReason: string;
  readonly redirectToAgentId: string;
  readonly retryAfterMs: number;
}

export interface DelegateToSwarmOptions {
  readonly request: DelegationRequestInput;
  readonly send: (request: DelegationAttemptRequest) => Promise<DelegationReply>;
  /** Epoch-ms clock; default Date.now. */
  readonly nowMs?: () => number;
  /** Injectable so tests never really sleep; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform sample in [low, high]; default Math.random based. */
  readonly randUniform?: (low: number, high: number) => number;
}

export interface DelegationResult {
  readonly response: DelegationResponse;
  /** toAgent of every send, in order. */
  readonly attempts: readonly string[];
}

export const DEFAULT_EFFECTIVE_MAX_REDIRECTS = 2;
export const DEFAULT_MAX_DELEGATION_DEPTH = 3;
export const DEFAULT_MAX_RETRIES_ON_OVERLOADED = 2;
export const DEFAULT_INITIAL_BACKOFF_MS = 250;
export const DEFAULT_BACKOFF_MULTIPLIER = 2;
export const DEFAULT_MAX_BACKOFF_MS = 2000;
/** retry_after_ms is padded by 0–20 % so rejected callers do not return in lockstep. */
export const RETRY_AFTER_JITTER_RATIO = 0.2;

const positiveOr = (value: number | undefined, fallback: number): number =>
  value !== undefined && value > 0 ? value : fallback;

/** Fill policy defaults; a non-positive maxRedirects means the effective bound 2. */
export function normalizeDelegationPolicy(policy: Partial<DelegationPolicy> = {}): DelegationPolicy {
  return {
    allowSpilloverRouting: policy.allowSpilloverRouting ?? false,
    maxRedirects: positiveOr(policy.maxRedirects, DEFAULT_EFFECTIVE_MAX_REDIRECTS),
    // 0 retries is a legitimate choice ("never retry"), so only absence/negatives default.
    maxRetriesOnOverloaded:
      policy.maxRetriesOnOverloaded !== undefined && policy.maxRetriesOnOverloaded >= 0
        ? policy.maxRetriesOnOverloaded
        : DEFAULT_MAX_RETRIES_ON_OVERLOADED,
    initialBackoffMs: positiveOr(policy.initialBackoffMs, DEFAULT_INITIAL_BACKOFF_MS),
    backoffMultiplier: positiveOr(policy.backoffMultiplier, DEFAULT_BACKOFF_MULTIPLIER),
    maxBackoffMs: positiveOr(policy.maxBackoffMs, DEFAULT_MAX_BACKOFF_MS),
  };
}

/**
 * Wait before OVERLOADED retry number `retryIndex` (0-based): the gateway's retry_after_ms
 * plus 0–20 % jitter, or without a hint a full-jitter exponential backoff
 * uniform(0, min(initial·multiplier^retryIndex, max)).
 */
export function overloadedRetryWaitMs(
  retryAfterMs: number,
  retryIndex: number,
  policy: DelegationPolicy,
  randUniform: (low: number, high: number) => number,
): number {
  if (retryAfterMs > 0) {
    return Math.floor(retryAfterMs + randUniform(0, retryAfterMs * RETRY_AFTER_JITTER_RATIO));
  }
  const bound = Math.min(policy.initialBackoffMs * policy.backoffMultiplier ** retryIndex, policy.maxBackoffMs);
  return Math.floor(randUniform(0, bound));
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function defaultRandUniform(low: number, high: number): number {
  return high <= low ? low : low + Math.random() * (high - low);
}

function toResponse(reply: DelegationReply): DelegationResponse {
  return {
    accepted: reply.accepted,
    rejectionCode: reply.rejectionCode ?? ErrorCode.ERROR_CODE_UNSPECIFIED,
    rejectionReason: reply.rejectionReason ?? "",
    redirectToAgentId: reply.redirectToAgentId ?? "",
    retryAfterMs: reply.retryAfterMs ?? 0,
  };
}

function rejection(rejectionCode: ErrorCode, rejectionReason: string): DelegationResponse {
  return { accepted: false, rejectionCode, rejectionReason, redirectToAgentId: "", retryAfterMs: 0 };
}

const deadlineExhausted = (): DelegationResponse =>
  rejection(ErrorCode.ACK_TIMEOUT, "Delegation deadline exhausted before handoff acceptance");

/**
 * Delegate to another swarm, following the caller state machine of README §6 exactly:
 * pre-check budget → send → deduct elapsed → accepted? → re-check budget →
 * pass through non-OVERLOADED/REDIRECT → REDIRECT rules (a–e) → OVERLOADED retry.
 * @throws TypeError when budget.deadlineEpochMs is 0 (or not a positive number): a usage error.
 */
export async function delegateToSwarm(options: DelegateToSwarmOptions): Promise<DelegationResult> {
  const { request: input, send } = options;
  if (!(input.budget.deadlineEpochMs > 0)) {
    throw new TypeError("budget.deadlineEpochMs is required for cross-swarm delegation");
  }
  const nowMs = options.nowMs ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const randUniform = options.randUniform ?? defaultRandUniform;
  const policy = normalizeDelegationPolicy(input.policy);
  const attempts: string[] = [];
  const done = (response: DelegationResponse): DelegationResult => ({ response, attempts });

  // Depth guard before any traffic: a delegation chain may not grow past its max depth.
  const maxDepth = positiveOr(input.budget.maxDelegationDepth, DEFAULT_MAX_DELEGATION_DEPTH);
  const depth = input.budget.currentDepth ?? 0;
  if (depth >= maxDepth) {
    return done(rejection(ErrorCode.VALIDATION_ERROR, `Delegation depth ${depth} reaches max depth ${maxDepth}`));
  }

  const { deadlineEpochMs } = input.budget;
  let wallTimeRemainingMs = input.budget.wallTimeRemainingMs;
  const exhausted = (now: number): boolean => wallTimeRemainingMs <= 0 || now > deadlineEpochMs;
  const deduct = (ms: number): void => {
    wallTimeRemainingMs = Math.max(wallTimeRemainingMs - Math.max(ms, 0), 0);
  };

  let toAgent = input.toAgent;
  const visited = new Set<string>([toAgent]);
  let redirectHops = 0;
  let overloadedRetries = 0;

  // Terminates: every iteration returns, or increments redirectHops (bounded by
  // maxRedirects) or overloadedRetries (bounded by maxRetriesOnOverloaded).
  for (;;) {
    // 1. Pre-check.
    const start = nowMs();
    if (exhausted(start)) return done(deadlineExhausted());

    // 2. Send (a fresh snapshot per attempt, so a gateway may keep it), then deduct elapsed.
    attempts.push(toAgent);
    const reply = await send({
      requestId: input.requestId,
      fromAgent: input.fromAgent,
      toAgent,
      reason: input.reason,
      budget: { ...input.budget, wallTimeRemainingMs },
      policy,
    });
    const end = nowMs();
    deduct(end - start);

    // 3. Accepted wins even if the attempt used up the budget.
    if (reply.accepted) return done(toResponse(reply));
    // 4. Re-check the budget before any follow-up.
    if (exhausted(end)) return done(deadlineExhausted());

    const code = reply.rejectionCode ?? ErrorCode.ERROR_CODE_UNSPECIFIED;
    if (code === ErrorCode.REDIRECT) {
      // 6a. Spillover disabled: hand the REDIRECT back untouched (caller side of R-001).
      if (!policy.allowSpilloverRouting) return done(toResponse(reply));
      // 6b/6c. Validate the target BEFORE the bound check (vector redirect_target_validation_precedes_bound).
      const target = (reply.redirectToAgentId ?? "").trim();
      if (target === "") {
        return done(rejection(ErrorCode.VALIDATION_ERROR, "REDIRECT must carry a non-empty redirect_to_agent_id"));
      }
      if (visited.has(target)) {
        return done(rejection(ErrorCode.VALIDATION_ERROR, `Redirect loop detected: '${target}' was already tried`));
      }
      // 6d. Bound reached: return the last REDIRECT.
      if (redirectHops >= policy.maxRedirects) return done(toResponse(reply));
      // 6e. Follow.
      toAgent = target;
      visited.add(target);
      redirectHops++;
      continue;
    }
    // 5. Anything other than OVERLOADED/REDIRECT is final.
    if (code !== ErrorCode.OVERLOADED) return done(toResponse(reply));

    // 7. OVERLOADED: bounded retries with jittered waits that must fit in the budget.
    if (overloadedRetries >= policy.maxRetriesOnOverloaded) return done(toResponse(reply));
    const waitMs = overloadedRetryWaitMs(reply.retryAfterMs ?? 0, overloadedRetries, policy, randUniform);
    overloadedRetries++;
    if (waitMs > wallTimeRemainingMs || waitMs > deadlineEpochMs - end) return done(toResponse(reply));
    const beforeSleep = nowMs();
    await sleep(waitMs);
    // Deduct at least the planned wait: an injected sleep may not advance the injected clock.
    deduct(Math.max(nowMs() - beforeSleep, waitMs));
  }
}
