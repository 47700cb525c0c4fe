/**
 * RouterClient.incoming() while the router is unreachable: it keeps reconnecting (backoff capped at
 * 5 s, on the injected clock), logs the attempts rate-limited, and leaves no abort listener behind
 * per attempt. Real connection attempts against a port nothing listens on; time moves with a ManualClock.
 */
import { getEventListeners } from "node:events";
import { ManualClock } from "@sw4rm/protocol";
import { RouterClient } from "@sw4rm/sdk";
import { describe, expect, it } from "vitest";
import { freePort } from "../support/index.js";
import { captureLogger, until } from "./support/capture.js";

describe.each([
  { path: "fast path", fastPath: true },
  { path: "canonical StreamIncoming", fastPath: false },
])("incoming() against a dead router ($path)", ({ fastPath }) => {
  it("reconnects forever with backoff capped at 5 s, logging rate-limited, without leaking abort listeners", async () => {
    const client = new RouterClient({ address: `127.0.0.1:${await freePort()}`, fastPath });
    const clock = new ManualClock();
    const { logger, lines } = captureLogger();
    const ctl = new AbortController();
    const inbox = client.incoming("ghost", { signal: ctl.signal, clock, logger, reconnect: { jitter: 0 } });
    const next = inbox.next();
    const attempts = 12;
    const delays: number[] = [];
    const listeners: number[] = [];
    try {
      for (let n = 1; n <= attempts; n++) {
        // After the n-th failed attempt the reader sleeps on the clock: one pending timer.
        await until(() => clock.pendingTimers === 1, `reconnect attempt ${n} to fail`);
        listeners.push(getEventListeners(ctl.signal, "abort").length);
        const line = lines.at(-1);
        const delay = Math.min(5_000, 100 * 2 ** (n - 1));
        delays.push(delay);
        clock.advance(delay);
        expect(line, `a line by attempt ${n}`).toBeDefined();
      }
    } finally {
      ctl.abort();
      expect(await next).toEqual({ done: true, value: undefined });
      client.close();
    }
    // Failures at 0, 100, 300, 700, 1500, 3100, 6300 (+5000 each after): the first is logged at
    // once, then at most one line per 5 s of clock time, each saying how many attempts it stands for.
    const warned = lines.filter((l) => l.level === "warn");
    expect(warned.map((l) => [l.attempt, l.attempts_since_last_line, l.retry_in_ms])).toEqual([
      [1, 1, 100],
      [7, 6, 5_000],
      [8, 1, 5_000],
      [9, 1, 5_000],
      [10, 1, 5_000],
      [11, 1, 5_000],
      [12, 1, 5_000],
    ]);
    expect(warned[0]).toMatchObject({ msg: "inbox connection lost; reconnecting", agent_id: "ghost", component: "router_client" });
    expect(warned[0]?.grpc_status).toBe(14); // UNAVAILABLE
    expect(Math.max(...delays)).toBe(5_000);
    // One listener at most (the backoff sleep's), never one more per attempt.
    expect(Math.max(...listeners)).toBeLessThanOrEqual(1);
  });
});
