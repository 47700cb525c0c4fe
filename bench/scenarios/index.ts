/** Every scenario of `npm run bench`, in run order (later ones may read earlier results). */
import type { Scenario } from "../lib/types.js";
import { canonical } from "./canonical.js";
import { ceilings } from "./ceilings.js";
import { fastPath } from "./fastPath.js";
import { jetstreamScenario } from "./jetstream.js";
import { latency } from "./latency.js";
import { recovery } from "./recovery.js";
import { scaleAgents } from "./scaleAgents.js";
import { scaleQueued } from "./scaleQueued.js";

export const SCENARIOS: readonly Scenario[] = [
  ceilings,
  jetstreamScenario,
  canonical,
  fastPath,
  latency,
  scaleAgents,
  scaleQueued,
  recovery,
];
