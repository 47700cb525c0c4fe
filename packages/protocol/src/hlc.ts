import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";

/**
 * Hybrid logical clock for `Envelope.hlc_timestamp` (spec §4, doc §1.8; advisory only, spec §24).
 *
 * String format: `<physical_ms>.<logical>.<node>`, e.g. `1767225600123.2.agent-a`:
 * physical = Unix milliseconds (the unit upstream SDKs already emit, so `parseInt` of our value
 * still yields their meaning), logical = counter within the same millisecond, node = the
 * producer's id (may itself contain dots; everything after the second dot is the node).
 * `parseHlc` also accepts upstream's bare "Unix milliseconds" form (logical 0, node "").
 */
export interface HlcTimestamp {
  readonly physical: number;
  readonly logical: number;
  readonly node: string;
}

export function formatHlc(ts: HlcTimestamp): string {
  return `${ts.physical}.${ts.logical}.${ts.node}`;
}

export function parseHlc(text: string): HlcTimestamp {
  const m = /^(\d{1,16})(?:\.(\d{1,10})\.(.*))?$/s.exec(text.trim());
  if (!m) throw new TypeError(`hlc_timestamp must be "<unix_ms>" or "<unix_ms>.<logical>.<node>", got "${text}"`);
  return { physical: Number(m[1]), logical: m[2] === undefined ? 0 : Number(m[2]), node: m[3] ?? "" };
}

/** Total order: physical, then logical, then node id. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.physical - b.physical || a.logical - b.logical || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
}

export class HybridLogicalClock {
  readonly node: string;
  readonly #clock: Clock;
  #physical = 0;
  #logical = 0;

  constructor(node: string, clock: Clock = systemClock) {
    this.node = node;
    this.#clock = clock;
  }

  /** A timestamp for a local or send event: strictly greater than every earlier one from this clock. */
  now(): HlcTimestamp {
    const pt = this.#clock.now();
    if (pt > this.#physical) {
      this.#physical = pt;
      this.#logical = 0;
    } else {
      this.#logical += 1;
    }
    return { physical: this.#physical, logical: this.#logical, node: this.node };
  }

  /** Merges a received timestamp (string or parsed) so later local events order after it. */
  receive(remote: HlcTimestamp | string): HlcTimestamp {
    const r = typeof remote === "string" ? parseHlc(remote) : remote;
    const pt = this.#clock.now();
    const physical = Math.max(this.#physical, r.physical, pt);
    if (physical === this.#physical && physical === r.physical) {
      this.#logical = Math.max(this.#logical, r.logical) + 1;
    } else if (physical === this.#physical) {
      this.#logical += 1;
    } else if (physical === r.physical) {
      this.#logical = r.logical + 1;
    } else {
      this.#logical = 0;
    }
    this.#physical = physical;
    return { physical, logical: this.#logical, node: this.node };
  }

  /** Convenience: `formatHlc(now())`. */
  tick(): string {
    return formatHlc(this.now());
  }
}
