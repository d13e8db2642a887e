import { describe, expect, it } from "vitest";
import type { ScheduleRow } from "../db/repositories/schedules.js";
import { nextReplanAt, planningCursor, REPLAN_NEVER } from "./planning.js";

const now = new Date("2026-04-01T12:00:00.000Z");
const plus = (ms: number) => new Date(now.getTime() + ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function row(overrides: Partial<ScheduleRow>): ScheduleRow {
  return {
    misfirePolicy: { type: "skip" },
    planningCursorAt: null,
    updatedAt: now,
    ...overrides,
  } as ScheduleRow;
}

describe("planning cursor", () => {
  it("starts a minute before the last change when nothing was planned", () => {
    expect(planningCursor(row({}), null, now)).toEqual(plus(-MINUTE));
  });

  it("continues after the latest pending occurrence, else after the stored cursor", () => {
    const cursor = plus(5 * MINUTE);
    expect(planningCursor(row({ planningCursorAt: cursor }), null, now)).toEqual(cursor);
    expect(planningCursor(row({ planningCursorAt: cursor }), plus(HOUR), now)).toEqual(plus(HOUR));
  });

  it("never goes back further than the misfire policy could still deliver", () => {
    const stale = row({ planningCursorAt: plus(-24 * HOUR), updatedAt: plus(-48 * HOUR) });
    expect(planningCursor(stale, null, now)).toEqual(plus(-MINUTE));
    const catchUp = row({
      planningCursorAt: plus(-24 * HOUR),
      misfirePolicy: { type: "catch_up_within", window_seconds: 3600 },
    });
    expect(planningCursor(catchUp, null, now)).toEqual(plus(-HOUR));
  });
});

describe("when to plan again", () => {
  it("looks again half-way through what was just planned", () => {
    const planned = [plus(10 * MINUTE), plus(20 * MINUTE), plus(30 * MINUTE), plus(40 * MINUTE)];
    expect(nextReplanAt({ now, planned, minPendingDue: null, exhausted: false })).toEqual(
      plus(20 * MINUTE),
    );
  });

  it("at most an hour ahead, and never at once", () => {
    expect(
      nextReplanAt({ now, planned: [plus(24 * HOUR)], minPendingDue: null, exhausted: false }),
    ).toEqual(plus(HOUR));
    expect(
      nextReplanAt({ now, planned: [plus(-HOUR)], minPendingDue: null, exhausted: false }),
    ).toEqual(plus(1_000));
  });

  it("waits for the first pending delivery when the horizon is full", () => {
    expect(
      nextReplanAt({ now, planned: [], minPendingDue: plus(5 * MINUTE), exhausted: false }),
    ).toEqual(plus(5 * MINUTE));
  });

  it("checks hourly when nothing is left in the horizon, and never for a spent trigger", () => {
    expect(nextReplanAt({ now, planned: [], minPendingDue: null, exhausted: false })).toEqual(
      plus(HOUR),
    );
    expect(nextReplanAt({ now, planned: [], minPendingDue: null, exhausted: true })).toBe(
      REPLAN_NEVER,
    );
  });
});
