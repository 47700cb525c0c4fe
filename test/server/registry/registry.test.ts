import { join } from "node:path";
import { AgentState, ManualClock } from "@sw4rm/protocol";
import { type AgentChange, Registry, SqliteRegistryStore, silentLogger } from "@sw4rm/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { descriptor } from "../../support/agents.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";

describe("Registry", () => {
  let dir: TempDir;
  let clock: ManualClock;
  let registry: Registry;
  let changes: AgentChange[];

  const open = () => {
    const r = new Registry({
      store: new SqliteRegistryStore(join(dir.path, "registry.db")),
      clock,
      logger: silentLogger(),
      options: { heartbeatIntervalMs: 1_000, missedHeartbeats: 3 },
    });
    r.subscribe((c) => changes.push(c));
    return r;
  };

  beforeEach(() => {
    dir = makeTempDir();
    clock = new ManualClock();
    changes = [];
    registry = open();
  });
  afterEach(() => {
    registry.close();
    dir.cleanup();
  });

  it("registers in INITIALIZING and announces the join", () => {
    const result = registry.register(descriptor("a"));
    expect(result).toMatchObject({ accepted: true, updated: false });
    expect(registry.get("a")).toMatchObject({ state: AgentState.INITIALIZING, available: true });
    expect(changes.map((c) => c.kind)).toEqual(["joined"]);
  });

  it("returns the refusal reason and stores nothing for an invalid descriptor", () => {
    expect(registry.register(descriptor(""))).toEqual({ accepted: false, reason: expect.stringMatching(/^agent_id/) });
    expect(registry.list()).toHaveLength(0);
  });

  it("re-registering the same agent_id updates the descriptor, keeping state and registration time", () => {
    registry.register(descriptor("a", { name: "first" }));
    registry.heartbeat("a", AgentState.RUNNABLE, {});
    const registeredAt = registry.get("a")?.registeredAtMs;
    clock.advance(500);
    const result = registry.register(descriptor("a", { name: "second" }));
    expect(result).toMatchObject({ accepted: true, updated: true });
    expect(registry.list()).toHaveLength(1);
    expect(registry.get("a")).toMatchObject({
      descriptor: { name: "second" },
      state: AgentState.RUNNABLE,
      registeredAtMs: registeredAt,
    });
    expect(changes.at(-1)?.kind).toBe("updated");
  });

  it("records heartbeat state and health; unknown agents get false", () => {
    registry.register(descriptor("a"));
    expect(registry.heartbeat("a", AgentState.RUNNABLE, { cpu: "0.5" })).toBe(true);
    expect(registry.get("a")).toMatchObject({ state: AgentState.RUNNABLE, health: { cpu: "0.5" } });
    expect(registry.heartbeat("ghost", AgentState.RUNNABLE, {})).toBe(false);
    expect(registry.heartbeat("a", 99 as AgentState, {})).toBe(false);
  });

  it("records an illegal transition anyway (logged, not refused)", () => {
    registry.register(descriptor("a"));
    expect(registry.heartbeat("a", AgentState.COMPLETED, {})).toBe(true); // INITIALIZING → COMPLETED is illegal
    expect(registry.get("a")?.state).toBe(AgentState.COMPLETED);
    expect(changes.at(-1)).toMatchObject({ kind: "state", previous: AgentState.INITIALIZING });
  });

  it("UNSPECIFIED in a heartbeat keeps the known state", () => {
    registry.register(descriptor("a"));
    registry.heartbeat("a", AgentState.RUNNABLE, {});
    registry.heartbeat("a", AgentState.AGENT_STATE_UNSPECIFIED, {});
    expect(registry.get("a")?.state).toBe(AgentState.RUNNABLE);
  });

  it("missed heartbeats (interval × misses) mark the agent unavailable but never remove it (spec §14)", () => {
    registry.register(descriptor("a"));
    clock.advance(2_999);
    expect(registry.get("a")?.available).toBe(true);
    clock.advance(1);
    expect(registry.get("a")).toMatchObject({ available: false });
    expect(changes.at(-1)).toMatchObject({ kind: "availability", agent: { available: false } });
    clock.advance(3_600_000);
    expect(registry.list().map((a) => a.descriptor.agentId)).toEqual(["a"]);
  });

  it("each heartbeat restarts the liveness window; a late heartbeat makes the agent available again", () => {
    registry.register(descriptor("a"));
    for (let i = 0; i < 5; i++) {
      clock.advance(2_000);
      registry.heartbeat("a", AgentState.RUNNABLE, {});
    }
    expect(registry.get("a")?.available).toBe(true);
    clock.advance(3_000);
    expect(registry.get("a")?.available).toBe(false);
    registry.heartbeat("a", AgentState.RUNNABLE, {});
    expect(registry.get("a")?.available).toBe(true);
    expect(changes.at(-1)).toMatchObject({ kind: "availability", agent: { available: true } });
  });

  it("deregister removes the agent, is idempotent and announces the leave", () => {
    registry.register(descriptor("a"));
    expect(registry.deregister("a", "done")).toBe(true);
    expect(registry.get("a")).toBeUndefined();
    expect(registry.deregister("a", "again")).toBe(false);
    expect(changes.at(-1)).toEqual({ kind: "left", agentId: "a", reason: "done" });
  });

  it("persists across a restart on the same file, including unavailability and removal", () => {
    registry.register(descriptor("a"));
    registry.register(descriptor("b"));
    registry.heartbeat("a", AgentState.RUNNABLE, { k: "v" });
    registry.deregister("b", "bye");
    clock.advance(3_000); // a becomes unavailable
    registry.close();
    registry = open();
    expect(registry.list().map((r) => r.descriptor.agentId)).toEqual(["a"]);
    expect(registry.get("a")).toMatchObject({ state: AgentState.RUNNABLE, available: false, health: { k: "v" } });
  });

  it("after a restart, available agents get a full liveness window from the restart", () => {
    registry.register(descriptor("a"));
    registry.close();
    clock.set(clock.now() + 60_000); // long downtime, no timers fired
    registry = open();
    expect(registry.get("a")?.available).toBe(true);
    clock.advance(3_000);
    expect(registry.get("a")?.available).toBe(false);
  });
});
