/**
 * Access to the upstream cross-SDK conformance vectors, read in place (never copied into
 * the repo). They live in `shared/conformance/vectors/` beside the repository root
 * (the parent of `packages/`), i.e. /work/shared/... for a checkout at /work/main.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

/** Repository root: this file is <root>/packages/protocol/test/support/vectors.ts. */
const REPO_ROOT = new URL("../../../../", import.meta.url);

export const VECTORS_DIR = new URL("../shared/conformance/vectors/", REPO_ROOT);

const vectorsPresent = existsSync(fileURLToPath(VECTORS_DIR));

if (!vectorsPresent && process.env.CI) {
  // In CI a missing corpus must not pass silently as "all skipped".
  throw new Error(`Conformance vectors not found at ${fileURLToPath(VECTORS_DIR)} (CI is set)`);
}

/** Every vector carries a unique string `id`, used as the test name. */
export interface VectorBase {
  readonly id: string;
}

/** The `vectors` array of one vector file. Shapes are the caller's declared type (unchecked JSON). */
export function loadVectors<T extends VectorBase>(file: string): readonly T[] {
  const text = readFileSync(new URL(file, VECTORS_DIR), "utf8");
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as { vectors?: unknown }).vectors)) {
    throw new Error(`${file}: expected a top-level "vectors" array`);
  }
  const vectors = (parsed as { vectors: unknown[] }).vectors;
  for (const v of vectors) {
    if (typeof (v as { id?: unknown }).id !== "string") {
      throw new Error(`${file}: every vector needs a string "id"`);
    }
  }
  return vectors as T[];
}

/**
 * describe() over the vectors of `file`, or a skipped placeholder suite (with a console
 * notice) when the corpus is absent outside CI.
 */
export function describeVectors<T extends VectorBase>(
  name: string,
  file: string,
  body: (vectors: readonly T[]) => void,
): void {
  if (!vectorsPresent) {
    console.warn(`[conformance] ${fileURLToPath(VECTORS_DIR)} not found; skipping "${name}" (${file}).`);
    describe.skip(name, () => {
      it(`${file} (vectors not available)`, () => {});
    });
    return;
  }
  describe(name, () => body(loadVectors<T>(file)));
}
