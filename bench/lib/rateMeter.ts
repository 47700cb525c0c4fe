/**
 * Counts events and turns the ones inside a measurement window into a rate. Events keep being
 * counted outside the window (warm-up, drain) but only the window's count and length make the rate.
 */
import { now } from "./timing.js";

export class RateMeter {
  #count = 0;
  #openAt: number | undefined;
  #openCount = 0;
  #closeAt: number | undefined;
  #closeCount = 0;

  mark(n = 1): void {
    this.#count += n;
  }

  get count(): number {
    return this.#count;
  }

  open(at = now()): void {
    this.#openAt = at;
    this.#openCount = this.#count;
  }

  close(at = now()): void {
    this.#closeAt = at;
    this.#closeCount = this.#count;
  }

  /** Events inside the window (so far, if it is still open). */
  get windowCount(): number {
    return (this.#closeAt === undefined ? this.#count : this.#closeCount) - this.#openCount;
  }

  get windowMs(): number {
    if (this.#openAt === undefined) return 0;
    return (this.#closeAt ?? now()) - this.#openAt;
  }

  /** Events per second inside the window. */
  get rate(): number {
    const ms = this.windowMs;
    return ms > 0 ? (this.windowCount * 1000) / ms : 0;
  }
}

/** Opens or closes several meters at the same instant. */
export function openAll(meters: readonly RateMeter[]): number {
  const at = now();
  for (const m of meters) m.open(at);
  return at;
}

export function closeAll(meters: readonly RateMeter[]): number {
  const at = now();
  for (const m of meters) m.close(at);
  return at;
}
