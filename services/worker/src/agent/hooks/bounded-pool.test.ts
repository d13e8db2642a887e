import { describe, expect, it } from "vitest";
import { BoundedPool } from "./bounded-pool.js";

function gate(): { task: () => Promise<void>; open: () => void; started: () => boolean } {
  let release: () => void = () => undefined;
  let started = false;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    task: () => {
      started = true;
      return done;
    },
    open: () => {
      release();
    },
    started: () => started,
  };
}

describe("BoundedPool", () => {
  it("starts tasks at once up to the limit, queues the rest, drops beyond the backlog", async () => {
    const pool = new BoundedPool(1);
    const [a, b, c, d] = [gate(), gate(), gate(), gate()];
    expect(pool.submit(2, a.task)).toBe(true);
    expect(pool.submit(2, b.task)).toBe(true);
    expect(pool.submit(2, c.task)).toBe(true);
    expect(pool.submit(2, d.task)).toBe(false);
    expect([a.started(), b.started(), c.started()]).toEqual([true, true, false]);
    expect([pool.active, pool.waiting]).toEqual([2, 1]);

    a.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.started()).toBe(true);
    expect([pool.active, pool.waiting]).toEqual([2, 0]);
    b.open();
    c.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.active).toBe(0);
  });

  it("survives a task that throws", async () => {
    const pool = new BoundedPool();
    pool.submit(1, () => {
      throw new Error("sync");
    });
    pool.submit(1, () => Promise.reject(new Error("async")));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.active).toBe(0);
  });
});
