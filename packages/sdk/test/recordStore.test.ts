import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonFileStore, MemoryStore, type RecordStore, SqliteStore } from "@sw4rm/sdk";
import { afterEach, describe, expect, it } from "vitest";

interface Rec {
  n: number;
  s: string;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "sw4rm-store-"));
  dirs.push(d);
  return d;
}

/** One behavioural suite for every backend; `reopen` returns a store over the same data (null = volatile). */
const backends: { name: string; open: () => { store: RecordStore<Rec>; reopen: (() => RecordStore<Rec>) | null } }[] = [
  { name: "memory", open: () => ({ store: new MemoryStore<Rec>(), reopen: null }) },
  {
    name: "json file",
    open: () => {
      const p = join(tmp(), "s.json");
      return { store: new JsonFileStore<Rec>(p), reopen: () => new JsonFileStore<Rec>(p) };
    },
  },
  {
    name: "sqlite",
    open: () => {
      const p = join(tmp(), "s.sqlite");
      return { store: new SqliteStore<Rec>(p), reopen: () => new SqliteStore<Rec>(p) };
    },
  },
];

for (const backend of backends) {
  describe(`RecordStore: ${backend.name}`, () => {
    it("puts, overwrites, loads and deletes", () => {
      const { store } = backend.open();
      store.put("a", { n: 1, s: "x" });
      store.put("b", { n: 2, s: "y" });
      store.put("a", { n: 3, s: "z" });
      expect(Object.fromEntries(store.load())).toEqual({ a: { n: 3, s: "z" }, b: { n: 2, s: "y" } });
      store.delete(["a", "missing"]);
      expect([...store.load().keys()]).toEqual(["b"]);
      store.close();
    });

    it("does not alias stored values", () => {
      const { store } = backend.open();
      const v = { n: 1, s: "x" };
      store.put("a", v);
      v.n = 99;
      expect(store.load().get("a")?.n).toBe(1);
      store.close();
    });

    it("survives reopening (durable backends)", () => {
      const { store, reopen } = backend.open();
      if (!reopen) return;
      store.put("k", { n: 7, s: "durable" });
      store.close();
      const again = reopen();
      expect(again.load().get("k")).toEqual({ n: 7, s: "durable" });
      again.close();
    });
  });
}

describe("JsonFileStore corruption", () => {
  it("fails naming the file, unless startEmptyOnCorrupt", () => {
    const p = join(tmp(), "bad.json");
    writeFileSync(p, "{not json");
    expect(() => new JsonFileStore(p)).toThrow(p);
    const s = new JsonFileStore<Rec>(p, { startEmptyOnCorrupt: true });
    expect(s.load().size).toBe(0);
    s.put("a", { n: 1, s: "" });
    expect(JSON.parse(readFileSync(p, "utf8")).records.a.n).toBe(1);
  });
});
