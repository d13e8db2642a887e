import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { createShutdown } from "./shutdown.js";

const logger = pino({ level: "silent" });

describe("createShutdown", () => {
  it("runs phases in order, steps of a phase together, and logs failures without stopping", async () => {
    const order: string[] = [];
    const exit = vi.fn();
    const shutdown = createShutdown({ logger, deadlineMs: 5_000, exit });
    shutdown.register({ name: "db", phase: "close-clients", close: () => void order.push("db") });
    shutdown.register({ name: "http", phase: "stop-intake", close: () => void order.push("http") });
    shutdown.register({
      name: "broken",
      phase: "drain",
      close: () => {
        order.push("broken");
        throw new Error("boom");
      },
    });
    shutdown.register({
      name: "otel",
      phase: "flush-telemetry",
      close: () => void order.push("otel"),
    });
    const code = await shutdown.run("test");
    expect(order).toEqual(["http", "broken", "db", "otel"]);
    expect(code).toBe(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it("is idempotent: a second call returns the same promise", async () => {
    const exit = vi.fn();
    const close = vi.fn();
    const shutdown = createShutdown({ logger, deadlineMs: 5_000, exit });
    shutdown.register({ name: "x", phase: "drain", close });
    const first = shutdown.run("SIGTERM");
    const second = shutdown.run("SIGINT");
    expect(second).toBe(first);
    expect(await first).toBe(0);
    expect(close).toHaveBeenCalledTimes(1);
    expect(shutdown.signal.aborted).toBe(true);
  });

  it("exits 1 when the deadline passes", async () => {
    vi.useFakeTimers();
    try {
      const exit = vi.fn();
      const shutdown = createShutdown({ logger, deadlineMs: 1_000, exit });
      shutdown.register({
        name: "stuck",
        phase: "drain",
        close: () => new Promise<void>(() => undefined),
      });
      void shutdown.run("SIGTERM");
      await vi.advanceTimersByTimeAsync(1_001);
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
