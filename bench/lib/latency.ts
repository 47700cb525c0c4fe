/**
 * Latency samples (ms) with the time each message was sent, so percentiles can be taken over the
 * whole window or over its first and last thirds (lag growth). Sorted-array percentiles: exact, and
 * a few million samples fit easily in memory at 16 bytes each.
 */
export interface LagSummary {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
  /** p50 of messages sent in the first / last third of the window. */
  readonly firstThirdP50: number;
  readonly lastThirdP50: number;
}

export class LatencyRecorder {
  #sentAt = new Float64Array(1024);
  #latency = new Float64Array(1024);
  #n = 0;
  #from = -Infinity;
  #to = Infinity;

  /** Only messages sent within [from, to] are kept (the measurement window). */
  window(from: number, to = Infinity): void {
    this.#from = from;
    this.#to = to;
  }

  record(sentAt: number, latencyMs: number): void {
    if (sentAt < this.#from || sentAt > this.#to) return;
    if (this.#n === this.#latency.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#sentAt = grow(this.#sentAt);
      this.#latency = grow(this.#latency);
    }
    this.#sentAt[this.#n] = sentAt;
    this.#latency[this.#n] = latencyMs;
    this.#n++;
  }

  get count(): number {
    return this.#n;
  }

  /** Percentile `p` (0..100) of all kept samples, NaN when there are none. */
  percentile(p: number): number {
    return percentileOf(this.#latency.slice(0, this.#n), p);
  }

  summary(): LagSummary {
    const n = this.#n;
    const sent = this.#sentAt.subarray(0, n);
    const lat = this.#latency.subarray(0, n);
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of sent) {
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    const third = (hi - lo) / 3;
    const first: number[] = [];
    const last: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = sent[i] ?? 0;
      if (t <= lo + third) first.push(lat[i] ?? 0);
      else if (t >= hi - third) last.push(lat[i] ?? 0);
    }
    return {
      p50: this.percentile(50),
      p99: this.percentile(99),
      count: n,
      firstThirdP50: percentileOf(Float64Array.from(first), 50),
      lastThirdP50: percentileOf(Float64Array.from(last), 50),
    };
  }
}

function percentileOf(values: Float64Array, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.slice().sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
