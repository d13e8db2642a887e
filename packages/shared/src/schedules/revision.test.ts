import { describe, expect, it } from "vitest";
import { definitionChanges, type StoredDefinition } from "./revision.js";

const current: StoredDefinition = {
  trigger: { type: "interval", start_at_utc: "2026-01-01T00:00:00.000Z", every_seconds: 60 },
  target: {
    target_kind: "session",
    type: "resumable_session",
    session_id: "s",
    action: { type: "prompt", prompt: "hi" },
  },
  misfirePolicy: { type: "skip" },
  overlapPolicy: "skip_if_running",
  missingTargetPolicy: "mark_misfired",
};

describe("revision-bump rules", () => {
  it("does not bump for an empty patch or equal values (key order does not matter)", () => {
    expect(definitionChanges(current, {})).toEqual({ bump: false, changes: {} });
    const same = definitionChanges(current, {
      trigger: { every_seconds: 60, start_at_utc: "2026-01-01T00:00:00.000Z", type: "interval" },
      target: {
        action: { prompt: "hi", type: "prompt" },
        session_id: "s",
        type: "resumable_session",
        target_kind: "session",
      },
      misfirePolicy: { type: "skip" },
      overlapPolicy: "skip_if_running",
      missingTargetPolicy: "mark_misfired",
    });
    expect(same).toEqual({ bump: false, changes: {} });
  });

  it("bumps for any changed trigger, target or policy, and reports only those", () => {
    const trigger = { ...current.trigger, every_seconds: 120 };
    expect(definitionChanges(current, { trigger })).toEqual({ bump: true, changes: { trigger } });
    const target = { ...current.target, action: { type: "prompt", prompt: "bye" } };
    expect(definitionChanges(current, { target }).bump).toBe(true);
    expect(definitionChanges(current, { overlapPolicy: "allow_concurrent" })).toEqual({
      bump: true,
      changes: { overlapPolicy: "allow_concurrent" },
    });
    expect(definitionChanges(current, { missingTargetPolicy: "skip" }).bump).toBe(true);
    const misfire = { type: "catch_up_within", window_seconds: 60 };
    expect(
      definitionChanges(current, { misfirePolicy: misfire, overlapPolicy: "skip_if_running" }),
    ).toEqual({ bump: true, changes: { misfirePolicy: misfire } });
  });
});
