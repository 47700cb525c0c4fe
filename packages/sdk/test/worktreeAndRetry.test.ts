import { ErrorCode, GrpcStatus, ManualClock, Sw4rmError } from "@sw4rm/protocol";
import { MemoryStore, PersistentWorktreeState, type WorktreeSnapshot } from "@sw4rm/sdk";
import { backoffDelay, DEFAULT_RETRY_POLICY, withRetry } from "@sw4rm/sdk/internal";
import { describe, expect, it } from "vitest";
import { flush } from "./support/fakeRouter.js";

describe("PersistentWorktreeState", () => {
  it("binds with hooks, persists, switches with approval and reverts on TTL", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore<WorktreeSnapshot>();
    const seen: string[] = [];
    const wt = new PersistentWorktreeState({
      store,
      clock,
      policy: { afterBind: (t) => void seen.push(t.worktreeId), approveSwitch: (r) => r.ttlMs <= 900_000 },
    });
    await wt.bind("repo", "home");
    expect(seen).toEqual(["home"]);
    await wt.requestSwitch({ repoId: "repo", worktreeId: "other" }, 60_000);
    expect(wt.status().state).toBe("BOUND_NON_HOME");
    expect(new PersistentWorktreeState({ store, clock }).current()?.worktreeId).toBe("other");
    clock.advance(60_000);
    expect(wt.status().state).toBe("BOUND_HOME");
    await expect(wt.requestSwitch({ repoId: "repo", worktreeId: "x" }, 10_000_000)).rejects.toSatisfy(Sw4rmError.is);
    await wt.unbind();
    expect(wt.current()).toBeUndefined();
  });

  it("a refusing beforeBind moves to BIND_FAILED with the reason", async () => {
    const wt = new PersistentWorktreeState({
      policy: {
        beforeBind: () => {
          throw new Sw4rmError(ErrorCode.PERMISSION_DENIED, "locked", { reason: "worktree_locked" });
        },
      },
    });
    await expect(wt.bind("r", "w")).rejects.toThrow("locked");
    expect(wt.status()).toMatchObject({ state: "BIND_FAILED", reason: "worktree_locked" });
  });
});

describe("withRetry", () => {
  const unavailable = () => Object.assign(new Error("down"), { code: GrpcStatus.UNAVAILABLE, details: "down" });

  it("retries retryable statuses with backoff on the injected clock", async () => {
    const clock = new ManualClock();
    let n = 0;
    const p = withRetry(
      async () => {
        n += 1;
        if (n < 3) throw unavailable();
        return "ok";
      },
      { policy: { ...DEFAULT_RETRY_POLICY, jitter: 0 }, enabled: true, clock },
    );
    await flush();
    clock.advance(backoffDelay({ ...DEFAULT_RETRY_POLICY, jitter: 0 }, 1));
    await flush();
    clock.advance(400);
    expect(await p).toBe("ok");
    expect(n).toBe(3);
  });

  it("does not retry unsafe calls or non-retryable statuses", async () => {
    let n = 0;
    const fail = async () => {
      n += 1;
      throw unavailable();
    };
    await expect(withRetry(fail, { policy: DEFAULT_RETRY_POLICY, enabled: false })).rejects.toSatisfy(Sw4rmError.is);
    const invalid = async () => {
      n += 1;
      throw Object.assign(new Error("bad"), { code: GrpcStatus.INVALID_ARGUMENT, details: "bad" });
    };
    await expect(withRetry(invalid, { policy: DEFAULT_RETRY_POLICY, enabled: true })).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_ERROR,
    });
    expect(n).toBe(2);
  });
});
