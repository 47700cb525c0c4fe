import { join } from "node:path";
import { AgentState, ManualClock } from "@sw4rm/protocol";
import { type AgentChange, MemoryRegistryStore, Registry, SqliteRegistryStore, silentLogger } from "@sw4rm/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { descriptor } from "../../support/agents.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { GatedRegistryStore } from "./gatedStore.js";

const OPTIONS = { heartbeatIntervalMs: 1_000, missedHeartbeats: 3 };

describe("Registry", () => {
  let dir: TempDir;
  let clock: ManualClock;
  let store: SqliteRegistryStore;
  let registry: Registry;
  let changes: AgentChange[];

  const open = async () => {
    store = new SqliteRegistryStore(join(dir.path, "registry.db"));
    const r = await Registry.open({ store, clock, logger: silentLogger(), options: OPTIONS });
    r.subscribe((c) => changes.push(c));
    return r;
  };
  const close = async () => {
    await registry.close();
    await store.close();
  };

  beforeEach(async () => {
    dir = makeTempDir();
    clock = new ManualClock();
    changes = [];
    registry = await open();
  });
  afterEach(async () => {
    await close();
    dir.cleanup();
  });

  it("registers in INITIALIZING and announces the join", async () => {
    const result = await registry.register(descriptor("a"));
    expect(result).toMatchObject({ accepted: true, updated: false });
    expect(registry.get("a")).toMatchObject({ state: AgentState.INITIALIZING, available: true });
    expect(changes.map((c) => c.kind)).toEqual(["joined"]);
  });

  it("returns the refusal reason and stores nothing for an invalid descriptor", async () => {
    expect(await registry.register(descriptor(""))).toEqual({
      accepted: false,
      reason: expect.stringMatching(/^agent_id/),
    });
    expect(registry.list()).toHaveLength(0);
    expect(await store.loadAll()).toEqual([]);
  });

  it("re-registering the same agent_id updates the descriptor, keeping state and registration time", async () => {
    await registry.register(descriptor("a", { name: "first" }));
    await registry.heartbeat("a", AgentState.RUNNABLE, {});
    const registeredAt = registry.get("a")?.registeredAtMs;
    clock.advance(500);
    const result = await registry.register(descriptor("a", { name: "second" }));
    expect(result).toMatchObject({ accepted: true, updated: true });
    expect(registry.list()).toHaveLength(1);
    expect(registry.get("a")).toMatchObject({
      descriptor: { name: "second" },
      state: AgentState.RUNNABLE,
      registeredAtMs: registeredAt,
    });
    expect(changes.at(-1)?.kind).toBe("updated");
  });

  it("records heartbeat state and health; unknown agents get false", async () => {
    await registry.register(descriptor("a"));
    expect(await registry.heartbeat("a", AgentState.RUNNABLE, { cpu: "0.5" })).toBe(true);
    expect(registry.get("a")).toMatchObject({ state: AgentState.RUNNABLE, health: { cpu: "0.5" } });
    expect(await registry.heartbeat("ghost", AgentState.RUNNABLE, {})).toBe(false);
    expect(await registry.heartbeat("a", 99 as AgentState, {})).toBe(false);
  });

  it("records an illegal transition anyway (logged, not refused)", async () => {
    await registry.register(descriptor("a"));
    expect(await registry.heartbeat("a", AgentState.COMPLETED, {})).toBe(true); // INITIALIZING → COMPLETED is illegal
    expect(registry.get("a")?.state).toBe(AgentState.COMPLETED);
    expect(changes.at(-1)).toMatchObject({ kind: "state", previous: AgentState.INITIALIZING });
  });

  it("UNSPECIFIED in a heartbeat keeps the known state", async () => {
    await registry.register(descriptor("a"));
    await registry.heartbeat("a", AgentState.RUNNABLE, {});
    await registry.heartbeat("a", AgentState.AGENT_STATE_UNSPECIFIED, {});
    expect(registry.get("a")?.state).toBe(AgentState.RUNNABLE);
  });

  it("missed heartbeats (interval × misses) mark the agent unavailable but never remove it (spec §14)", async () => {
    await registry.register(descriptor("a"));
    clock.advance(2_999);
    await registry.settled();
    expect(registry.get("a")?.available).toBe(true);
    clock.advance(1);
    await registry.settled();
    expect(registry.get("a")).toMatchObject({ available: false });
    expect(changes.at(-1)).toMatchObject({ kind: "availability", agent: { available: false } });
    clock.advance(3_600_000);
    await registry.settled();
    expect(registry.list().map((a) => a.descriptor.agentId)).toEqual(["a"]);
  });

  it("each heartbeat restarts the liveness window; a late heartbeat makes the agent available again", async () => {
    await registry.register(descriptor("a"));
    for (let i = 0; i < 5; i++) {
      clock.advance(2_000);
      await registry.heartbeat("a", AgentState.RUNNABLE, {});
    }
    expect(registry.get("a")?.available).toBe(true);
    clock.advance(3_000);
    await registry.settled();
    expect(registry.get("a")?.available).toBe(false);
    await registry.heartbeat("a", AgentState.RUNNABLE, {});
    expect(registry.get("a")?.available).toBe(true);
    expect(changes.at(-1)).toMatchObject({ kind: "availability", agent: { available: true } });
  });

  it("deregister removes the agent, is idempotent and announces the leave", async () => {
    await registry.register(descriptor("a"));
    expect(await registry.deregister("a", "done")).toBe(true);
    expect(registry.get("a")).toBeUndefined();
    expect(await registry.deregister("a", "again")).toBe(false);
    expect(changes.at(-1)).toEqual({ kind: "left", agentId: "a", reason: "done" });
  });

  it("persists across a restart on the same file, including unavailability and removal", async () => {
    await registry.register(descriptor("a"));
    await registry.register(descriptor("b"));
    await registry.heartbeat("a", AgentState.RUNNABLE, { k: "v" });
    await registry.deregister("b", "bye");
    clock.advance(3_000); // a becomes unavailable
    await registry.settled();
    await close();
    registry = await open();
    expect(registry.list().map((r) => r.descriptor.agentId)).toEqual(["a"]);
    expect(registry.get("a")).toMatchObject({ state: AgentState.RUNNABLE, available: false, health: { k: "v" } });
  });

  it("after a restart, available agents get a full liveness window from the restart", async () => {
    await registry.register(descriptor("a"));
    await close();
    clock.set(clock.now() + 60_000); // long downtime, no timers fired
    registry = await open();
    expect(registry.get("a")?.available).toBe(true);
    clock.advance(3_000);
    await registry.settled();
    expect(registry.get("a")?.available).toBe(false);
  });
});

describe("Registry with a store that answers later", () => {
  let clock: ManualClock;
  let store: GatedRegistryStore;
  let registry: Registry;

  beforeEach(async () => {
    clock = new ManualClock();
    store = new GatedRegistryStore(new MemoryRegistryStore());
    registry = await Registry.open({ store, clock, logger: silentLogger(), options: OPTIONS });
  });
  afterEach(async () => {
    store.release();
    await registry.close();
    await store.close();
  });

  const stored = async (agentId: string) => (await store.loadAll()).find((r) => r.descriptor.agentId === agentId);

  it("answers Register only once the record is stored, and shows nothing before", async () => {
    store.hold();
    let answered = false;
    const pending = registry.register(descriptor("a")).then((r) => ((answered = true), r));
    await Promise.resolve();
    expect(answered).toBe(false);
    expect(registry.get("a")).toBeUndefined();
    store.release();
    expect(await pending).toMatchObject({ accepted: true });
    expect(registry.get("a")).toBeDefined();
    expect(await stored("a")).toEqual(registry.get("a"));
  });

  it("a heartbeat arriving while a re-registration is being written is applied after it, not lost", async () => {
    await registry.register(descriptor("a", { name: "first" }));
    store.hold();
    const reRegister = registry.register(descriptor("a", { name: "second" }));
    const heartbeat = registry.heartbeat("a", AgentState.RUNNABLE, { load: "1" });
    store.release();
    expect(await reRegister).toMatchObject({ accepted: true, updated: true });
    expect(await heartbeat).toBe(true);
    // Without serialization the re-registration (read before the heartbeat) would write back INITIALIZING.
    const expected = { descriptor: { name: "second" }, state: AgentState.RUNNABLE, health: { load: "1" } };
    expect(registry.get("a")).toMatchObject(expected);
    expect(await stored("a")).toMatchObject(expected);
  });

  it("a deregistration arriving while a registration is being written leaves the agent gone everywhere", async () => {
    store.hold();
    const register = registry.register(descriptor("a"));
    const deregister = registry.deregister("a", "changed my mind");
    store.release();
    expect(await register).toMatchObject({ accepted: true });
    expect(await deregister).toBe(true);
    expect(registry.get("a")).toBeUndefined();
    expect(await stored("a")).toBeUndefined();
  });

  it("a heartbeat queued before the liveness window ran out keeps the agent available", async () => {
    await registry.register(descriptor("a"));
    clock.advance(2_000);
    store.hold();
    const heartbeat = registry.heartbeat("a", AgentState.RUNNABLE, {});
    clock.advance(1_000); // the window ends while the heartbeat is being written
    store.release();
    expect(await heartbeat).toBe(true);
    await registry.settled();
    expect(registry.get("a")?.available).toBe(true);
    expect((await stored("a"))?.available).toBe(true);
  });
});
