/**
 * ShutdownAgent request checks (spec §8.4, doc §2.4). The agent id is required: a blank one would
 * record a shutdown for "" and the router would broadcast the SHUTDOWN command (no recipient) to every
 * agent accepting it. The grace period, when given, must be a valid non-negative
 * google.protobuf.Duration (|seconds| <= 315,576,000,000, |nanos| <= 999,999,999, same sign).
 */
import { type Duration, type ShutdownAgentRequest, type Sw4rmError, validationError } from "@sw4rm/protocol";

export const MAX_DURATION_SECONDS = 315_576_000_000n;
const MAX_NANOS = 999_999_999;

function graceProblem(d: Duration): string | undefined {
  if (d.seconds > MAX_DURATION_SECONDS || d.seconds < -MAX_DURATION_SECONDS)
    return `seconds must be within ±${MAX_DURATION_SECONDS} (google.protobuf.Duration), got ${d.seconds}`;
  if (!Number.isInteger(d.nanos) || Math.abs(d.nanos) > MAX_NANOS)
    return `nanos must be within ±${MAX_NANOS}, got ${d.nanos}`;
  if (d.seconds < 0n || d.nanos < 0)
    return `must not be negative (omit it or send 0 for the default grace), got ${d.seconds}s ${d.nanos}ns`;
  return undefined;
}

/** The first problem with the request as an INVALID_ARGUMENT error, or undefined when it is acceptable. */
export function shutdownRequestProblem(req: ShutdownAgentRequest): Sw4rmError | undefined {
  if (req.agentId.trim() === "") return validationError("agent_id", "is required (the agent to shut down)");
  const grace = req.gracePeriod && graceProblem(req.gracePeriod);
  return grace === undefined ? undefined : validationError("grace_period", grace);
}
