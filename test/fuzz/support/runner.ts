/**
 * Runs one RPC's property: seeded batches of 1..4 inputs sent concurrently through the raw client;
 * every response is judged by the oracle and counted; the process must still be alive after each
 * batch, and healthy (all services SERVING) after the whole family.
 */
import fc from "fast-check";
import { FUZZ, seedFor } from "./config.js";
import type { RpcSchema } from "./descriptors.js";
import type { FuzzServer } from "./fuzzServer.js";
import { describeInput, type FuzzInput } from "./inputs.js";
import { judgeStream, judgeUnary, type Verdict } from "./oracle.js";
import { RawClient } from "./rawClient.js";
import type { Family, FuzzStats } from "./stats.js";
import type { Watchdog } from "./watchdog.js";

export interface FuzzContext {
  readonly server: FuzzServer;
  readonly stats: FuzzStats;
  readonly watchdog: Watchdog;
}

/** Fails (as a hang) when the server stopped answering health checks for longer than FUZZ.stallLimitMs. */
export async function assertNoStall(ctx: FuzzContext, family: Family, during: string): Promise<void> {
  const r = await ctx.watchdog.mark();
  ctx.stats.noteStall(r.maxMs);
  if (r.maxMs <= FUZZ.stallLimitMs) return;
  const problem = `hang: the server did not answer health checks for ${Math.round(r.maxMs)} ms`;
  ctx.stats.find({ family, target: during, problem, input: "see the inputs of this family" });
  throw new Error(`${problem} while fuzzing ${during} (limit ${FUZZ.stallLimitMs} ms)`);
}

/** Metadata an HTTP/2 peer may refuse at the connection level (see oracle.ts CallContext). */
export function oversizeHeaders(md: FuzzInput["metadata"]): boolean {
  const bytes = md.reduce((n, [k, v]) => n + k.length + v.length, 0);
  return md.length > 64 || bytes > 16 * 1024;
}

async function send(ctx: FuzzContext, rpc: RpcSchema, input: FuzzInput): Promise<Verdict> {
  const heavy = oversizeHeaders(input.metadata);
  // Such inputs may take their connection down: they get one of their own, so the rest of the batch is unaffected.
  const client = heavy ? new RawClient(ctx.server.addresses[rpc.service], true) : ctx.server.clients[rpc.service];
  try {
    return await sendWith(client, rpc, input, heavy);
  } finally {
    if (heavy) client.close();
  }
}

async function sendWith(client: RawClient, rpc: RpcSchema, input: FuzzInput, heavy: boolean): Promise<Verdict> {
  if (!rpc.serverStreaming)
    return judgeUnary(rpc, await client.unary(rpc.path, input.body, input.metadata, FUZZ.deadlineMs), heavy);
  let badItem: string | undefined;
  const out = await client.serverStream(rpc.path, input.body, input.metadata, FUZZ.streamOpenMs, (item) => {
    try {
      rpc.decodeResponse(item);
    } catch (e) {
      badItem = `stream item does not decode: ${String(e)}`;
    }
  });
  const verdict = judgeStream(out, heavy);
  return badItem && !verdict.problem ? { ...verdict, problem: badItem } : verdict;
}

/** Waits briefly for the exit event when calls failed as if the server went away. */
async function diedSince(ctx: FuzzContext, verdicts: readonly Verdict[]): Promise<boolean> {
  if (!ctx.server.alive()) return true;
  if (!verdicts.some((v) => v.outcome === "UNAVAILABLE" || v.outcome === "CANCELLED")) return false;
  await new Promise((r) => setTimeout(r, 200));
  return !ctx.server.alive();
}

/** Fuzzes `rpc` with `FUZZ.runs` batches drawn from `inputs`; throws with the seed and input on a problem. */
export async function fuzzRpc(ctx: FuzzContext, rpc: RpcSchema, inputs: fc.Arbitrary<FuzzInput>): Promise<void> {
  const { stats } = ctx;
  const seed = seedFor(rpc.path);
  await fc.assert(
    fc.asyncProperty(fc.array(inputs, { minLength: 1, maxLength: FUZZ.batch }), async (batch) => {
      const verdicts = await Promise.all(batch.map((input) => send(ctx, rpc, input)));
      const problems: string[] = [];
      verdicts.forEach((v, i) => {
        stats.record(rpc.service, rpc.path, v.outcome);
        const input = batch[i];
        if (v.problem && input) {
          stats.find({ family: rpc.service, target: rpc.path, problem: v.problem, input: describeInput(input) });
          problems.push(`${v.problem}\n    input: ${describeInput(input)}`);
        }
      });
      if (await diedSince(ctx, verdicts)) {
        stats.crashes++;
        const seeds = `SW4RM_FUZZ_SEED base ${FUZZ.seed}, family seed ${seed}`;
        throw new Error(`server process exited during this batch (${seeds})`);
      }
      if (problems.length > 0) throw new Error(`${rpc.path}:\n  ${problems.join("\n  ")}`);
    }),
    { seed, numRuns: FUZZ.runs, endOnFailure: !FUZZ.shrink },
  );
  await ctx.server.assertHealthy(`after fuzzing ${rpc.path}`);
  await assertNoStall(ctx, rpc.service, rpc.path);
}
