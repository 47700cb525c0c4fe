/** The pure router rules every backend calls (the contract suite checks them through each backend). */
import { describe, expect, it } from "vitest";
import { checksDuplicates, dedupKey } from "../../../packages/server/src/services/router/rules/dedup.js";
import { advancesLifecycle } from "../../../packages/server/src/services/router/rules/lifecycle.js";
import { item } from "./routerStoreSuite.js";

describe("router rules", () => {
  it("dedup keys keep the spelling durable stores hold: token first, else (producer, sequence)", () => {
    expect(dedupKey(item({ producerId: "p", idempotencyToken: "p:op:1", sequenceNumber: 9n }))).toBe("t\u0000p\u0000p:op:1");
    expect(dedupKey(item({ producerId: "p", sequenceNumber: 9n }))).toBe("s\u0000p\u00009");
    expect(checksDuplicates(item({ idempotencyToken: "x" }))).toBe(true);
    expect(checksDuplicates(item({ retryCount: 1 }))).toBe(true);
    expect(checksDuplicates(item())).toBe(false);
  });

  it("lifecycle moves forward only; terminal states are final", () => {
    expect(advancesLifecycle("SENT", "RECEIVED")).toBe(true);
    expect(advancesLifecycle("RECEIVED", "READ")).toBe(true);
    expect(advancesLifecycle("READ", "TIMED_OUT")).toBe(true);
    expect(advancesLifecycle("READ", "RECEIVED")).toBe(false);
    expect(advancesLifecycle("RECEIVED", "RETRYING")).toBe(false);
    expect(advancesLifecycle("TIMED_OUT", "FULFILLED")).toBe(false);
    expect(advancesLifecycle("FULFILLED", "FULFILLED")).toBe(false);
  });
});
