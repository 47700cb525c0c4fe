import { describe, expect, it } from "vitest";
import { scopesOverlap } from "../../../packages/server/src/services/scheduler/index.js";

describe("scopesOverlap (spec §9.2 conservative resolution)", () => {
  it.each([
    ["repo:a", "repo:a", true],
    ["repo:a", "repo:a/src", true],
    ["repo:a", "repo:a:main", true],
    ["repo:", "repo:anything", true],
    ["*", "x", true],
    ["x", " * ", true],
    ["repo:a", "repo:ab", false],
    ["repo:a/src", "repo:a:main", false],
    ["a/b", "a/c", false],
  ])("%s vs %s → %s", (a, b, expected) => {
    expect(scopesOverlap(a, b)).toBe(expected);
    expect(scopesOverlap(b, a)).toBe(expected);
  });
});
