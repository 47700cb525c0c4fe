/** The RouterStore contract on the memory store (the reference semantics; nothing survives close). */
import { expect, it } from "vitest";
import { MemoryRouterStore } from "../../../packages/server/src/services/router/index.js";
import { item, runRouterStoreSuite, seqOf } from "./routerStoreSuite.js";

runRouterStoreSuite(
  "memory",
  async () => {
    const store = new MemoryRouterStore();
    return { store, dispose: () => store.close() };
  },
  { persistent: false },
);

it("commits are durable at once, and calls after close are refused", async () => {
  const store = new MemoryRouterStore();
  const { results, durable } = await store.commit({ admits: [item()], acks: [] }, 1000);
  expect(seqOf(results.admitted[0]) > 0n).toBe(true);
  let settled = false;
  void durable.then(() => (settled = true));
  await Promise.resolve();
  expect(settled).toBe(true);
  await store.close();
  await expect(store.queueDepths()).rejects.toThrow(/closed/);
  await expect(store.admit([item()], 1000)).rejects.toThrow(/closed/);
});
