import { systemClock } from "@sw4rm/protocol";
import { afterEach, expect, it, vi } from "vitest";

afterEach(() => {
  vi.useRealTimers();
});

it("systemClock.setTimer waits the full delay beyond 2^31-1 ms (setTimeout alone would fire after 1 ms)", () => {
  vi.useFakeTimers();
  const fired = vi.fn();
  const delay = 2 ** 31 + 5_000;
  systemClock.setTimer(delay, fired);
  vi.advanceTimersByTime(1_000);
  expect(fired).not.toHaveBeenCalled();
  vi.advanceTimersByTime(2 ** 31 - 1);
  expect(fired).not.toHaveBeenCalled();
  vi.advanceTimersByTime(10_000);
  expect(fired).toHaveBeenCalledTimes(1);
});

it("a cancelled long timer never fires, even after a re-arm", () => {
  vi.useFakeTimers();
  const fired = vi.fn();
  const handle = systemClock.setTimer(2 ** 32, fired);
  vi.advanceTimersByTime(2 ** 31);
  handle.cancel();
  vi.advanceTimersByTime(2 ** 32);
  expect(fired).not.toHaveBeenCalled();
});
