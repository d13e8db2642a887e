import { describe, expect, it } from "vitest";
import {
  createScheduleRequestSchema,
  targetBindingSchema,
  triggerInputSchema,
  updateScheduleRequestSchema,
} from "./wire.js";

const prompt = { type: "prompt", prompt: "wake up" };
const session = "0190f5c2-0000-7000-8000-000000000001";

describe("schedule wire schemas", () => {
  it("accepts every trigger form, cron authoring included", () => {
    for (const trigger of [
      { type: "once", due_at_utc: "2026-05-01T09:00:00Z" },
      { type: "interval", start_at_utc: "2026-05-01T09:00:00Z", every_seconds: 60 },
      {
        type: "interval",
        start_at_utc: "2026-05-01T09:00:00Z",
        every_seconds: 60,
        end_at_utc: null,
      },
      { type: "calendar", timezone: "Europe/Berlin", hour: { kind: "values", values: [9] } },
      { type: "cron", expression: "0 9 * * 1-5", timezone: "Europe/Paris" },
    ]) {
      expect(triggerInputSchema.safeParse(trigger).success, JSON.stringify(trigger)).toBe(true);
    }
  });

  it("leaves trigger semantics to normalizeTrigger (every_seconds 0 passes the shape check)", () => {
    const parsed = triggerInputSchema.safeParse({
      type: "interval",
      start_at_utc: "2026-05-01T09:00:00Z",
      every_seconds: 0,
    });
    expect(parsed.success).toBe(true);
  });

  it("refuses an unknown trigger type or calendar field kind", () => {
    expect(triggerInputSchema.safeParse({ type: "weekly" }).success).toBe(false);
    expect(
      triggerInputSchema.safeParse({ type: "calendar", timezone: "UTC", hour: { kind: "some" } })
        .success,
    ).toBe(false);
  });

  it("knows the session and mob targets, and requires a model to materialise", () => {
    expect(
      targetBindingSchema.safeParse({
        target_kind: "session",
        type: "resumable_session",
        session_id: session,
        action: { type: "event", event_type: "tick", payload: { n: 1 } },
      }).success,
    ).toBe(true);
    expect(
      targetBindingSchema.safeParse({
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { system_prompt: "x" },
        action: prompt,
      }).success,
    ).toBe(false);
    expect(
      targetBindingSchema.safeParse({
        target_kind: "mob",
        type: "flow",
        mob_id: "m",
        flow_id: "f",
        params: {},
      }).success,
    ).toBe(true);
    // The kind must agree with the type.
    expect(
      targetBindingSchema.safeParse({
        target_kind: "mob",
        type: "exact_session",
        session_id: session,
        action: prompt,
      }).success,
    ).toBe(false);
    // current_session is the agents' shortcut, not a stored target.
    expect(
      targetBindingSchema.safeParse({
        target_kind: "session",
        type: "current_session",
        action: prompt,
      }).success,
    ).toBe(false);
  });

  it("validates create requests: horizons at least 1, policies optional, unknown fields ignored", () => {
    const base = {
      trigger: { type: "once", due_at_utc: "2026-05-01T09:00:00Z" },
      target: {
        target_kind: "session",
        type: "exact_session",
        session_id: session,
        action: prompt,
      },
    };
    const parsed = createScheduleRequestSchema.parse({ ...base, surprise: true });
    expect(parsed).not.toHaveProperty("surprise");
    expect(parsed.misfire_policy).toBeUndefined();
    expect(
      createScheduleRequestSchema.safeParse({ ...base, planning_horizon_days: 0 }).success,
    ).toBe(false);
    expect(
      createScheduleRequestSchema.safeParse({ ...base, planning_horizon_occurrences: 0 }).success,
    ).toBe(false);
    expect(
      createScheduleRequestSchema.safeParse({
        ...base,
        misfire_policy: { type: "catch_up_within", window_seconds: 300 },
        overlap_policy: "allow_concurrent",
        missing_target_policy: "skip",
      }).success,
    ).toBe(true);
    expect(
      createScheduleRequestSchema.safeParse({ ...base, overlap_policy: "queue" }).success,
    ).toBe(false);
  });

  it("takes every update field as optional", () => {
    expect(updateScheduleRequestSchema.parse({})).toEqual({});
    expect(updateScheduleRequestSchema.parse({ expected_revision: 3, name: "n" })).toEqual({
      expected_revision: 3,
      name: "n",
    });
  });
});
