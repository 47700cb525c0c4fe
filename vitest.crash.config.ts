/**
 * The crash and fault suite (`npm run test:crash`): test/crash/**\/*.crash.ts, one file at a time (each
 * scenario drives real server processes and SIGKILLs them; running them side by side on a small
 * machine would only measure CPU contention), with the scorecard reporter. `npm test` does not pick
 * these files up (it includes *.test.ts only), so it stays fast.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/crash/**/*.crash.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: ["default", "./scripts/summaryReporter.ts", "./scripts/crashScorecard.ts"],
  },
});
