import { describe, expect, it } from "vitest";
import { fitPayload, payloadBytes } from "./payload-limit.js";

describe("fitPayload", () => {
  it("passes a payload within the limit unchanged", () => {
    const payload = { text: "short" };
    expect(fitPayload(payload, 1_000, false)).toEqual({ kind: "fits", payload });
  });

  it("refuses an oversize payload when trimming is not allowed", () => {
    const payload = { text: "x".repeat(2_000) };
    expect(fitPayload(payload, 1_000, false)).toEqual({
      kind: "too_large",
      bytes: payloadBytes(payload),
    });
  });

  it("cuts the long strings just enough, saying how much was cut", () => {
    const payload = {
      step: 1,
      text: "a".repeat(3_000),
      nested: { list: ["b".repeat(3_000), "ok"] },
    };
    const fitted = fitPayload(payload, 1_000, true);
    expect(fitted.kind).toBe("trimmed");
    if (fitted.kind !== "trimmed") return;
    const bytes = payloadBytes(fitted.payload);
    expect(bytes).toBeLessThanOrEqual(1_000);
    // Bisection finds the largest cap: one more character per string would not fit.
    expect(bytes).toBeGreaterThan(1_000 - 2 * 4);
    expect(fitted.payload["step"]).toBe(1);
    expect(String(fitted.payload["text"])).toMatch(/^a+…\[\d+ more characters\]$/);
    expect((fitted.payload["nested"] as { list: string[] }).list[1]).toBe("ok");
  });

  it("counts bytes, not characters", () => {
    const payload = { text: "é".repeat(1_000) };
    const fitted = fitPayload(payload, 1_000, true);
    expect(fitted.kind).toBe("trimmed");
    if (fitted.kind === "trimmed") expect(payloadBytes(fitted.payload)).toBeLessThanOrEqual(1_000);
  });

  it("refuses what no string cut can save", () => {
    const payload = { numbers: Array.from({ length: 500 }, (_, index) => index) };
    expect(fitPayload(payload, 100, true).kind).toBe("too_large");
  });
});
