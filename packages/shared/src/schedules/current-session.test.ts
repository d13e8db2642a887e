import { describe, expect, it } from "vitest";
import { resolveCurrentSession } from "./current-session.js";

const action = { type: "prompt" as const, prompt: "check the build" };

describe("the current_session target", () => {
  it("becomes a resumable_session target bound to the running session", () => {
    expect(
      resolveCurrentSession({ target_kind: "session", type: "current_session", action }, "sess-1"),
    ).toEqual({
      target_kind: "session",
      type: "resumable_session",
      session_id: "sess-1",
      action,
    });
  });

  it("leaves other targets as they are", () => {
    const target = {
      target_kind: "session" as const,
      type: "exact_session" as const,
      session_id: "other",
      action,
    };
    expect(resolveCurrentSession(target, "sess-1")).toBe(target);
  });

  it("is refused outside a session", () => {
    expect(() =>
      resolveCurrentSession({ target_kind: "session", type: "current_session", action }, undefined),
    ).toThrow(/invalid schedule: the current_session target is only available/);
  });
});
