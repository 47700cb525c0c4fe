import { describe, expect, it } from "vitest";
import { GroupCommitter } from "../../../packages/server/src/services/router/groupCommit.js";

describe("GroupCommitter", () => {
  it("batches concurrent submissions, serves urgent items first, answers only once durable", async () => {
    const batches: string[][] = [];
    let release: (() => void) | undefined;
    const durable = new Promise<void>((r) => {
      release = r;
    });
    const gc = new GroupCommitter<string, string>(async (items) => {
      batches.push(items);
      return { results: items.map((i) => `ok:${i}`), durable };
    }, 4);
    const answered: string[] = [];
    const all = ["a", "b", "c", "d", "e", "f"].map((x) => gc.submit(x).then((r) => answered.push(r)));
    const urgent = gc.submit("ACK", true).then((r) => answered.push(r));
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([
      ["ACK", "a", "b", "c"],
      ["d", "e", "f"],
    ]);
    expect(answered).toEqual([]); // committed, not yet durable
    release?.();
    await Promise.all([...all, urgent]);
    expect(answered).toContain("ok:ACK");
    expect(answered).toHaveLength(7);
    await gc.idle();
  });

  it("a failed durability step fails its callers instead of answering", async () => {
    const gc = new GroupCommitter<number, number>(
      async (items) => ({ results: items, durable: Promise.reject(new Error("fsync failed")) }),
      8,
    );
    await expect(gc.submit(1)).rejects.toThrow(/fsync failed/);
    await gc.idle();
  });
});
