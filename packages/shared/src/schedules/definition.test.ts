import { describe, expect, it } from "vitest";
import { isAppError } from "../errors/index.js";
import { canonicalTrigger, keepBinding, sameJson, withoutNulls } from "./definition.js";
import type { TargetBinding } from "./wire.js";

function caught(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected an error");
}

describe("canonical triggers", () => {
  it("normalises timestamps and turns cron into calendar", () => {
    expect(canonicalTrigger({ type: "once", due_at_utc: "2026-05-01T11:00:00+02:00" })).toEqual({
      type: "once",
      due_at_utc: "2026-05-01T09:00:00.000Z",
    });
    expect(
      canonicalTrigger({ type: "cron", expression: "30 9 * * 1-5", timezone: "Europe/Paris" }),
    ).toMatchObject({
      type: "calendar",
      timezone: "Europe/Paris",
      minute: { kind: "values", values: [30] },
      hour: { kind: "values", values: [9] },
    });
  });

  it("drops nulls before normalising (null end_at_utc means none)", () => {
    expect(
      canonicalTrigger({
        type: "interval",
        start_at_utc: "2026-05-01T09:00:00Z",
        every_seconds: 60,
        end_at_utc: null,
      }),
    ).toEqual({ type: "interval", start_at_utc: "2026-05-01T09:00:00.000Z", every_seconds: 60 });
  });

  it("answers normalizeTrigger's messages as 400s", () => {
    expect(
      caught(() => canonicalTrigger({ type: "calendar", timezone: "Mars/Olympus_Mons" })),
    ).toEqual({
      code: "BAD_REQUEST",
      message: "invalid trigger: invalid IANA timezone: Mars/Olympus_Mons",
    });
    const zero = caught(() =>
      canonicalTrigger({
        type: "interval",
        start_at_utc: "2026-05-01T09:00:00Z",
        every_seconds: 0,
      }),
    );
    expect(zero.code).toBe("BAD_REQUEST");
    expect(zero.message).toMatch(/^invalid trigger: every_seconds/);
    expect(
      caught(() => canonicalTrigger({ type: "cron", expression: "61 * * * *", timezone: "UTC" }))
        .message,
    ).toMatch(/^invalid trigger: /);
  });
});

describe("json helpers", () => {
  it("compares JSON by value, ignoring key order and undefined keys", () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
  });

  it("drops null and undefined keys one level deep", () => {
    expect(withoutNulls({ a: 1, b: null, c: undefined, d: { e: null } })).toEqual({
      a: 1,
      d: { e: null },
    });
  });
});

describe("materialised-session binding on update", () => {
  const base = {
    target_kind: "session" as const,
    type: "materialize_on_demand_session" as const,
    create: { model: "claude-haiku-4-5" },
    action: { type: "prompt" as const, prompt: "hi" },
  };
  const bound: TargetBinding = { ...base, bound_session_id: "s-1" };

  it("keeps the binding when the same target is sent without it", () => {
    expect(keepBinding(bound, base)).toEqual(bound);
  });

  it("drops it when the target really changed", () => {
    const changed = { ...base, action: { type: "prompt" as const, prompt: "other" } };
    expect(keepBinding(bound, changed)).toEqual(changed);
  });
});
