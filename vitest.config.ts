import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string, entry = "index") =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; child-process tests run the built dist (see pretest).
    alias: {
      "@sw4rm/protocol": src("protocol"),
      // Before "@sw4rm/sdk": the first matching prefix wins.
      "@sw4rm/sdk/internal": src("sdk", "internal"),
      "@sw4rm/sdk": src("sdk"),
      "@sw4rm/server": src("server"),
      "@sw4rm/testing": src("testing"),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    reporters: ["default", "./scripts/summaryReporter.ts"],
  },
});
