import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import {
  AgentState,
  agentLifecycle,
  compareHlc,
  DEFAULTS,
  ErrorCode,
  errorCodeFromGrpcStatus,
  errorCodeFromString,
  GrpcStatus,
  grpcStatusFromErrorCode,
  HybridLogicalClock,
  ManualClock,
  messageLifecycle,
  normalizeAddress,
  parseHlc,
  resolveServiceAddress,
  SERVICE_NAMES,
  Sw4rmError,
  sleep,
  stateTimeoutFor,
  worktreeLifecycle,
} from "../src/index.js";

describe("hybrid logical clock", () => {
  it("is strictly monotonic within a process even when wall time stands still or goes back", () => {
    const c = new ManualClock(1000);
    const hlc = new HybridLogicalClock("n1", c);
    const a = hlc.now();
    const b = hlc.now();
    c.set(500);
    const d = hlc.now();
    expect(compareHlc(a, b)).toBeLessThan(0);
    expect(compareHlc(b, d)).toBeLessThan(0);
    expect(d.physical).toBe(1000);
  });

  it("merges a remote timestamp ahead of local time", () => {
    const hlc = new HybridLogicalClock("n1", new ManualClock(1000));
    const merged = hlc.receive("5000.7.n2");
    expect(merged).toEqual({ physical: 5000, logical: 8, node: "n1" });
    expect(compareHlc(hlc.now(), merged)).toBeGreaterThan(0);
  });

  it("parses our format and upstream's bare Unix milliseconds", () => {
    expect(parseHlc("1767225600123.2.agent.with.dots")).toEqual({
      physical: 1767225600123,
      logical: 2,
      node: "agent.with.dots",
    });
    expect(parseHlc("1767225600123")).toEqual({ physical: 1767225600123, logical: 0, node: "" });
    expect(() => parseHlc("yesterday")).toThrow(/hlc_timestamp must be/);
  });
});

describe("errors", () => {
  it("maps every ErrorCode to a gRPC status and back through the exact-code metadata", () => {
    for (const value of Object.values(ErrorCode).filter((v): v is ErrorCode => typeof v === "number")) {
      const err = new Sw4rmError(value, "boom");
      const wire = err.toServiceError();
      const serviceError = Object.assign(new Error(`${wire.code} ${wire.details}`), wire);
      const back = Sw4rmError.from(serviceError);
      expect(back.code).toBe(value);
      expect(back.grpcStatus).toBe(grpcStatusFromErrorCode(value));
    }
  });

  it("falls back to the upstream status mapping without metadata", () => {
    expect(errorCodeFromGrpcStatus(GrpcStatus.RESOURCE_EXHAUSTED)).toBe(ErrorCode.BUFFER_FULL);
    expect(errorCodeFromGrpcStatus(GrpcStatus.UNAUTHENTICATED)).toBe(ErrorCode.PERMISSION_DENIED);
    expect(errorCodeFromGrpcStatus(GrpcStatus.FAILED_PRECONDITION)).toBe(ErrorCode.VALIDATION_ERROR);
    expect(errorCodeFromGrpcStatus(GrpcStatus.DATA_LOSS)).toBe(ErrorCode.INTERNAL_ERROR);
    const e = Object.assign(new Error("x"), { code: GrpcStatus.NOT_FOUND, details: "nope", metadata: new Metadata() });
    expect(Sw4rmError.from(e).code).toBe(ErrorCode.NO_ROUTE);
  });

  it("reads the spec's snake-case string codes", () => {
    expect(errorCodeFromString("buffer_full")).toBe(ErrorCode.BUFFER_FULL);
    expect(errorCodeFromString("OVERLOADED")).toBe(ErrorCode.OVERLOADED);
    expect(errorCodeFromString("20")).toBe(ErrorCode.REDIRECT);
    expect(errorCodeFromString("agent_shutdown_timeout")).toBeUndefined();
  });

  it("recognises itself across copies via a brand and marks retryable statuses", () => {
    const e = new Sw4rmError(ErrorCode.OVERLOADED, "busy");
    expect(Sw4rmError.is({ ...e, [Symbol.for("sw4rm.Sw4rmError")]: true })).toBe(true);
    expect(Sw4rmError.is(new Error("x"))).toBe(false);
    expect(e.retryable).toBe(true);
    expect(new Sw4rmError(ErrorCode.VALIDATION_ERROR, "bad").retryable).toBe(false);
    expect(e.codeName).toBe("OVERLOADED");
  });
});

describe("state machines", () => {
  it("allows the spec's agent transitions and names both states when refusing", () => {
    expect(agentLifecycle.canTransition(AgentState.RUNNING, AgentState.SUSPENDED)).toBe(true);
    expect(agentLifecycle.canTransition(AgentState.SHUTTING_DOWN, AgentState.FAILED_STATE)).toBe(true);
    expect(() => agentLifecycle.assertTransition(AgentState.RUNNABLE, AgentState.RUNNING)).toThrow(
      /illegal agent state transition RUNNABLE -> RUNNING \(allowed from RUNNABLE: SCHEDULED\)/,
    );
    const edges = [...agentLifecycle.transitions.values()].reduce((n, v) => n + v.length, 0);
    expect(edges).toBe(23);
  });

  it("has the §8.3 state timeouts", () => {
    expect(stateTimeoutFor(AgentState.INITIALIZING)).toMatchObject({ ms: 60_000, code: "init_timeout" });
    expect(stateTimeoutFor(AgentState.WAITING_RESOURCES)).toMatchObject({ ms: 300_000, code: "resource_timeout" });
    expect(stateTimeoutFor(AgentState.WAITING)).toBeUndefined();
  });

  it("models message and worktree lifecycles", () => {
    expect(messageLifecycle.canTransition("TIMED_OUT", "RETRYING")).toBe(true);
    expect(() => messageLifecycle.assertTransition("FULFILLED", "READ")).toThrow(
      /FULFILLED -> READ.*none \(terminal\)/,
    );
    expect(worktreeLifecycle.canTransition("SWITCH_PENDING", "BOUND_NON_HOME")).toBe(true);
    expect(() => worktreeLifecycle.assertTransition("UNBOUND", "BOUND_NON_HOME")).toThrow(/UNBOUND -> BOUND_NON_HOME/);
  });
});

describe("addresses and defaults", () => {
  it("resolves argument > env > default and strips the http scheme", () => {
    expect(resolveServiceAddress("router", undefined, {})).toEqual({
      target: "localhost:50051",
      tls: false,
      source: "default",
    });
    expect(resolveServiceAddress("registry", undefined, { SW4RM_REGISTRY_ADDR: "http://reg:9000" })).toEqual({
      target: "reg:9000",
      tls: false,
      source: "SW4RM_REGISTRY_ADDR",
    });
    expect(resolveServiceAddress("scheduler", "https://s:1", { SW4RM_SCHEDULER_ADDR: "x:1" })).toEqual({
      target: "s:1",
      tls: true,
      source: "argument",
    });
    expect(resolveServiceAddress("schedulerPolicy", undefined, { SW4RM_SCHEDULER_ADDR: "s:2" }).target).toBe("s:2");
    expect(normalizeAddress(" localhost:1 ")).toEqual({ target: "localhost:1", tls: false });
    expect(SERVICE_NAMES).toHaveLength(15);
  });

  it("has the spec §20 defaults", () => {
    expect(DEFAULTS).toMatchObject({
      ackTimeoutMs: 10_000,
      inboundBufferCapacity: 10,
      priority: 0,
      dedupWindowMs: 3_600_000,
    });
  });
});

describe("ManualClock", () => {
  it("fires timers in time order only when advanced", async () => {
    const c = new ManualClock(0);
    const fired: number[] = [];
    c.setTimer(20, () => fired.push(20));
    c.setTimer(10, () => {
      fired.push(10);
      c.setTimer(5, () => fired.push(15));
    });
    const cancelled = c.setTimer(12, () => fired.push(12));
    cancelled.cancel();
    c.advance(9);
    expect(fired).toEqual([]);
    c.advance(11);
    expect(fired).toEqual([10, 15, 20]);
    expect(c.now()).toBe(20);
    const p = sleep(100, { clock: c });
    c.advance(100);
    await expect(p).resolves.toBeUndefined();
    const ac = new AbortController();
    const q = sleep(100, { clock: c, signal: ac.signal });
    ac.abort(new Error("stop"));
    await expect(q).rejects.toThrow("stop");
  });
});

describe("Sw4rmError.from(AbortError)", () => {
  it("is an aborted call (CANCELLED, reason aborted), not an ACK timeout", async () => {
    const { ErrorCode, GrpcStatus, Sw4rmError } = await import("../src/index.js");
    const controller = new AbortController();
    controller.abort();
    let thrown: unknown;
    try {
      controller.signal.throwIfAborted();
    } catch (err) {
      thrown = err;
    }
    const e = Sw4rmError.from(thrown);
    expect(e.grpcStatus).toBe(GrpcStatus.CANCELLED);
    expect(e.reason).toBe("aborted");
    expect(e.code).not.toBe(ErrorCode.ACK_TIMEOUT);
  });
});
