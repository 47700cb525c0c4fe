/**
 * Scope overlap (spec §9.2). Without an Inference Engine the scheduler resolves conflicts
 * conservatively (spec §9.4: safety over throughput). Two scopes overlap when
 * - either is "*" (everything), or
 * - they are equal (after trimming), or
 * - one is a path-prefix of the other on a "/" or ":" boundary:
 *   "repo:a" overlaps "repo:a/src" and "repo:a:main", but not "repo:ab".
 * Overlapping tasks never run at the same time, whichever agents they target.
 */
const BOUNDARIES = new Set(["/", ":"]);

export const WILDCARD_SCOPE = "*";

export function normalizeScope(scope: string): string {
  return scope.trim();
}

function isPrefixOnBoundary(prefix: string, full: string): boolean {
  if (!full.startsWith(prefix)) return false;
  // A prefix that already ends with a separator ("repo:") is itself on a boundary.
  if (BOUNDARIES.has(prefix.at(-1) ?? "")) return true;
  return BOUNDARIES.has(full.charAt(prefix.length));
}

export function scopesOverlap(a: string, b: string): boolean {
  const x = normalizeScope(a);
  const y = normalizeScope(b);
  if (x === WILDCARD_SCOPE || y === WILDCARD_SCOPE || x === y) return true;
  return x.length < y.length ? isPrefixOnBoundary(x, y) : isPrefixOnBoundary(y, x);
}
