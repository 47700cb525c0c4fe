/** The cross-scenario targets of issue 5 (ratios from the same run); rows of the "ratios" scenario. */
import type { RatioTarget } from "../lib/ratios.js";
import { FAST_PATH_WINDOW } from "./fastPath.js";
import { JETSTREAM_BEST_METRIC, jetstreamCombinedMetric } from "./jetstream.js";

export const RATIO_TARGETS: readonly RatioTarget[] = [
  {
    metric: "canonical end-to-end / bare unary echo",
    numerator: { scenario: "canonical", metric: "canonical: end-to-end (acked)" },
    denominator: { scenario: "ceilings", metric: "bare grpc-js unary echo" },
    target: { op: ">=", value: 0.8, label: "issue 5" },
  },
  {
    // Against JetStream's best publish window (see jetstream.ts); the fast path keeps FAST_PATH_WINDOW sends in flight.
    metric: "fast path end-to-end / JetStream publish+consume (best window)",
    numerator: { scenario: "fastpath", metric: "fastpath: end-to-end (acked)" },
    denominator: { scenario: "jetstream", metric: JETSTREAM_BEST_METRIC },
    target: { op: ">=", value: 1.0, label: "issue 5" },
  },
  {
    metric: `fast path end-to-end / JetStream publish+consume (window ${FAST_PATH_WINDOW}, same as the fast path)`,
    numerator: { scenario: "fastpath", metric: "fastpath: end-to-end (acked)" },
    denominator: { scenario: "jetstream", metric: jetstreamCombinedMetric(FAST_PATH_WINDOW) },
  },
];
