/** Inbox read-ahead: admitted copies join a caught-up lane directly, but never beyond its size. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommunicationClass } from "@sw4rm/protocol";
import { afterEach, expect, it } from "vitest";
import { Inbox } from "../../../packages/server/src/services/router/inbox.js";
import { SqliteRouterStore } from "../../../packages/server/src/services/router/index.js";
import type { Delivery } from "../../../packages/server/src/services/router/store.js";
import { item } from "./routerStoreSuite.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function admitOne(store: SqliteRouterStore): Promise<Delivery> {
  const x = item({ capacity: undefined });
  const [o] = await store.admit([x], 1000);
  if (o?.kind !== "accepted") throw new Error("not admitted");
  const seq = o.deliveries[0]?.seq ?? 0n;
  return { agentId: "a", seq, messageId: x.messageId, producerId: "p", correlationId: "c", lane: x.lane, envelope: x.envelope, expiresAtMs: undefined };
}

it("takes admitted copies without a read while caught up, and reads the rest back past its size", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sw4rm-inbox-"));
  dirs.push(dir);
  const store = SqliteRouterStore.inDir(dir);
  const inbox = new Inbox("a", 2);
  await inbox.refill(store); // empty queue: every lane caught up
  expect(inbox.needsRefill()).toBe(false);
  const copies = [await admitOne(store), await admitOne(store), await admitOne(store)];
  for (const d of copies) inbox.admitted(d);
  // Two fit in the read-ahead; the third stays in storage only.
  expect(inbox.take(CommunicationClass.STANDARD)?.seq).toBe(1n);
  expect(inbox.take(CommunicationClass.STANDARD)?.seq).toBe(2n);
  expect(inbox.take(CommunicationClass.STANDARD)).toBeUndefined();
  expect(inbox.needsRefill()).toBe(true);
  await inbox.refill(store);
  expect(inbox.take(CommunicationClass.STANDARD)?.seq).toBe(3n);
  // A copy the refill already read is not taken twice when its admission is reported late.
  inbox.admitted(copies[2]!);
  expect(inbox.take(CommunicationClass.STANDARD)).toBeUndefined();
  await store.close();
});
