/** docs/config-reference.md is generated from the config schema; this fails when it was not regenerated. */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { configReference } from "../../../packages/server/src/process/configReference.js";

it("docs/config-reference.md matches the schema (run `npm run docs:config` after changing settings)", () => {
  const committed = readFileSync(new URL("../../../docs/config-reference.md", import.meta.url), "utf8");
  expect(committed).toBe(configReference());
  // Spot checks that the generator reads the schema, the service table and the catalog.
  expect(committed).toContain("| `router.options.inboundBufferCapacity` | integer >= 1 |");
  expect(committed).toContain("| `coordination.addr` | string | `SW4RM_COORDINATION_ADDR` |");
  expect(committed).toContain("| `storage.backend` | `sqlite` \\| `memory` | `SW4RM_BACKEND` | `--backend` |");
});
