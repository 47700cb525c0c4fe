/**
 * Raw HTTP/2 fuzzing runs: connection scripts over node:net and malformed gRPC over node:http2, in
 * seeded batches; the server process must survive every batch and stay healthy after each family.
 */
import fc from "fast-check";
import { FUZZ, seedFor } from "./config.js";
import type { ServiceKey } from "./descriptors.js";
import type { ConnectionScript } from "./http2Garbage.js";
import { type H2Request, sendH2 } from "./http2Requests.js";
import { isLongLived, judgeH2 } from "./oracle.js";
import { rawExchange } from "./rawConnection.js";
import { assertNoStall, type FuzzContext } from "./runner.js";

const PORTS: readonly ServiceKey[] = ["router", "registry", "scheduler"];

/** A complete request must be answered (5 s); one that may legitimately stay open is watched briefly. */
function waitFor(req: H2Request): number {
  return req.endStream && !isLongLived(req.path) ? 5_000 : 300;
}
const BATCH = 6;

async function assertAlive(ctx: FuzzContext, what: string): Promise<void> {
  if (ctx.server.alive()) return;
  await new Promise((r) => setTimeout(r, 200));
  if (ctx.server.alive()) return;
  ctx.stats.crashes++;
  throw new Error(`server process exited after ${what} (SW4RM_FUZZ_SEED base ${FUZZ.seed})`);
}

/** Sends `runs` batches of connection scripts to the service ports (round robin). */
export async function fuzzConnections(
  ctx: FuzzContext,
  scripts: fc.Arbitrary<ConnectionScript>,
  runs: number,
): Promise<void> {
  const target = fc.tuple(fc.constantFrom(...PORTS), scripts);
  await fc.assert(
    fc.asyncProperty(fc.array(target, { minLength: 1, maxLength: BATCH }), async (batch) => {
      const results = await Promise.all(
        batch.map(([port, script]) => rawExchange(ctx.server.addresses[port], script.chunks, 120)),
      );
      results.forEach((r, i) => {
        const outcome = r.goaway !== undefined ? `goaway(${r.goaway})` : r.closedByServer ? "closed" : "open";
        ctx.stats.record("raw-http2", `tcp:${batch[i]?.[1].how.replace(/\d+/g, "N")}`, outcome);
      });
      await assertAlive(ctx, batch.map(([p, s]) => `${p}: ${s.how}`).join("; "));
    }),
    { seed: seedFor("raw-connections"), numRuns: runs, endOnFailure: true },
  );
  await ctx.server.assertHealthy("after raw HTTP/2 connection scripts");
  await assertNoStall(ctx, "raw-http2", "raw HTTP/2 connection scripts");
}

/** Sends `runs` batches of node:http2 requests; each must be answered clearly (see judgeH2). */
export async function fuzzH2Requests(ctx: FuzzContext, requests: fc.Arbitrary<H2Request>, runs: number): Promise<void> {
  const target = fc.tuple(fc.constantFrom(...PORTS), requests);
  await fc.assert(
    fc.asyncProperty(fc.array(target, { minLength: 1, maxLength: BATCH }), async (batch) => {
      const outs = await Promise.all(batch.map(([port, req]) => sendH2(ctx.server.addresses[port], req, waitFor(req))));
      const problems: string[] = [];
      outs.forEach((out, i) => {
        const entry = batch[i];
        if (!entry) return;
        const [port, req] = entry;
        const v = judgeH2(req, out);
        if (v.outcome !== "client-refused") ctx.stats.record("raw-http2", `h2:${req.method} ${port}`, v.outcome);
        if (v.problem) {
          ctx.stats.find({ family: "raw-http2", target: `h2:${port}`, problem: v.problem, input: req.how });
          problems.push(`${v.problem}\n    input (${port}): ${req.how}`);
        }
      });
      await assertAlive(ctx, batch.map(([p, r]) => `${p}: ${r.how}`).join("; "));
      if (problems.length > 0) throw new Error(problems.join("\n  "));
    }),
    { seed: seedFor("raw-h2-requests"), numRuns: runs, endOnFailure: true },
  );
  await ctx.server.assertHealthy("after malformed HTTP/2 requests");
  await assertNoStall(ctx, "raw-http2", "malformed HTTP/2 requests");
}
