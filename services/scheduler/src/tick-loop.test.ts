import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "@meerkat/shared/observability";
import { TickLoop } from "./tick-loop.js";

const logger = createLogger({
  level: "silent",
  pretty: false,
  service: "tick-loop-test",
  version: "test",
});

describe("TickLoop", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0); // no jitter
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("runs every interval, and sooner when the tick asks for it", async () => {
    const hints: (number | undefined)[] = [40, undefined, undefined];
    let runs = 0;
    const loop = new TickLoop(
      () => {
        runs += 1;
        return Promise.resolve(hints.shift());
      },
      1_000,
      logger,
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1); // first run, at the interval
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(39);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // asked to run again in 40 ms
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(999); // no hint: a whole interval
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(3);
    await loop.stop();
  });

  it("ignores a hint longer than the interval and keeps going after a failed tick", async () => {
    let runs = 0;
    const loop = new TickLoop(
      () => {
        runs += 1;
        if (runs === 1) return Promise.reject(new Error("database away"));
        return Promise.resolve(60_000);
      },
      100,
      logger,
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1); // failed
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2); // asked for 60 s: the 100 ms interval wins
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(3);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(3);
  });
});
