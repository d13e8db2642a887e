import { describe, expect, it } from "vitest";
import { isUuid } from "@meerkat/shared/domain";
import { callScopedUuid } from "./call-id.js";

describe("callScopedUuid", () => {
  it("is a valid version-8 UUID, stable for the same call", () => {
    const id = callScopedUuid("task", "turn-1", "call_1");
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe("8");
    expect(["8", "9", "a", "b"]).toContain(id[19]);
    expect(callScopedUuid("task", "turn-1", "call_1")).toBe(id);
  });

  it("differs by kind, turn and call", () => {
    const id = callScopedUuid("task", "turn-1", "call_1");
    expect(callScopedUuid("memory", "turn-1", "call_1")).not.toBe(id);
    expect(callScopedUuid("task", "turn-2", "call_1")).not.toBe(id);
    expect(callScopedUuid("task", "turn-1", "call_2")).not.toBe(id);
  });
});
