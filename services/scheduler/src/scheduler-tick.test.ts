import { describe, expect, it } from "vitest";
import { housekeepingGate } from "./scheduler-tick.js";

describe("housekeepingGate", () => {
  it("opens on the first tick, then at most once per interval", () => {
    let now = 1_000;
    const due = housekeepingGate(250, () => now);
    expect(due()).toBe(true);
    now += 10;
    expect(due()).toBe(false);
    now += 239;
    expect(due()).toBe(false);
    now += 1;
    expect(due()).toBe(true);
    now += 5_000;
    expect(due()).toBe(true);
    expect(due()).toBe(false);
  });
});
