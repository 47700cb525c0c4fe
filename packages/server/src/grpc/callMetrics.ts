/**
 * Per-RPC Prometheus metrics for every service the pipeline binds: `sw4rm_<service>_rpc_requests_total`
 * {method, code} and `sw4rm_<service>_rpc_duration_seconds` {method}. Label children are cached per
 * method so a call costs two lookups-free observations.
 */
import { GrpcStatus } from "@sw4rm/protocol";
import { Counter, Histogram, type Registry } from "prom-client";
import type { BoundMethod, CallHook } from "./pipeline.js";

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Latency buckets from 100 µs to 10 s (unary calls are sub-millisecond; HITL/Wait calls are long). */
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Family {
  readonly requests: Counter<"method" | "code">;
  readonly duration: Histogram<"method">;
}

interface MethodMetrics {
  readonly duration: { observe(v: number): void };
  readonly byCode: Map<GrpcStatus, { inc(): void }>;
  readonly requests: Counter<"method" | "code">;
}

export function callMetrics(registry: Registry): CallHook {
  const families = new Map<string, Family>();
  const methods = new WeakMap<BoundMethod, MethodMetrics>();

  const family = (service: string): Family => {
    let f = families.get(service);
    if (!f) {
      const prefix = `sw4rm_${snake(service)}_rpc`;
      f = {
        requests: new Counter({
          name: `${prefix}_requests_total`,
          help: `${service} RPCs by method and final gRPC status`,
          labelNames: ["method", "code"],
          registers: [registry],
        }),
        duration: new Histogram({
          name: `${prefix}_duration_seconds`,
          help: `${service} RPC latency from call start to final status`,
          labelNames: ["method"],
          buckets: BUCKETS,
          registers: [registry],
        }),
      };
      families.set(service, f);
    }
    return f;
  };

  const metricsOf = (method: BoundMethod): MethodMetrics => {
    let m = methods.get(method);
    if (!m) {
      const f = family(method.service);
      m = { duration: f.duration.labels(method.name), byCode: new Map(), requests: f.requests };
      methods.set(method, m);
    }
    return m;
  };

  return {
    start(method) {
      const m = metricsOf(method);
      const started = performance.now();
      return (code) => {
        m.duration.observe((performance.now() - started) / 1000);
        let counter = m.byCode.get(code);
        if (!counter) {
          counter = m.requests.labels(method.name, GrpcStatus[code] ?? String(code));
          m.byCode.set(code, counter);
        }
        counter.inc();
      };
    },
  };
}
