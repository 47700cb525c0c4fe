/**
 * Lane selection for one recipient's stream (spec §1.9): PRIVILEGED is served first while its token
 * bucket has tokens; beyond the rate its head competes as STANDARD (overflow demoted, never dropped).
 * STANDARD and BULK share the rest by weighted round robin (default 4:1), so BULK never starves.
 * Within a lane the order is FIFO (the store returns each lane's oldest copy).
 */
import { type Clock, CommunicationClass } from "@sw4rm/protocol";
import type { Lane, LaneHead } from "./store.js";

export interface LaneSelectorOptions {
  readonly clock: Clock;
  readonly privilegedBurst: number;
  readonly privilegedPerSecond: number;
  readonly weights: { readonly standard: number; readonly bulk: number };
}

export class LaneSelector {
  readonly #o: LaneSelectorOptions;
  #tokens: number;
  #refilledAt: number;
  #slot = 0;
  /** PRIVILEGED deliveries that went through the urgent lane vs were demoted (burst tracking, spec §1.9). */
  privilegedServed = 0;
  privilegedDemoted = 0;

  constructor(options: LaneSelectorOptions) {
    this.#o = options;
    this.#tokens = options.privilegedBurst;
    this.#refilledAt = options.clock.now();
  }

  #takeToken(): boolean {
    const now = this.#o.clock.now();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(this.#o.privilegedBurst, this.#tokens + (elapsed * this.#o.privilegedPerSecond) / 1000);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** The lane to serve next given each lane's oldest queued copy, or undefined when all are empty. */
  pick(heads: readonly LaneHead[]): Lane | undefined {
    const priv = heads.find((h) => h.lane === CommunicationClass.PRIVILEGED);
    const std = heads.find((h) => h.lane === CommunicationClass.STANDARD);
    const bulk = heads.find((h) => h.lane === CommunicationClass.BULK);
    if (priv && this.#takeToken()) {
      this.privilegedServed++;
      return CommunicationClass.PRIVILEGED;
    }
    // Demoted PRIVILEGED overflow competes inside the STANDARD share, oldest first.
    const normal = priv && (!std || priv.order < std.order) ? priv : std;
    if (!normal && !bulk) return undefined;
    const { standard, bulk: bulkWeight } = this.#o.weights;
    const cycle = Math.max(1, standard + bulkWeight);
    const preferBulk = this.#slot % cycle >= standard;
    this.#slot = (this.#slot + 1) % cycle;
    const chosen = preferBulk ? (bulk ?? normal) : (normal ?? bulk);
    if (chosen === priv) this.privilegedDemoted++;
    return chosen?.lane;
  }
}
