import { describe, expect, it } from "vitest";
import { storableJson, storableText } from "./storable.js";

describe("storable text", () => {
  it("replaces NUL with U+FFFD and leaves other text alone", () => {
    expect(storableText("a\u0000b\u0000")).toBe("a\uFFFDb\uFFFD");
    const plain = "no nul here \u0001";
    expect(storableText(plain)).toBe(plain);
  });

  it("walks JSON values, keys included, and keeps untouched values identical", () => {
    const clean = { a: [1, "x", { b: null }], c: true };
    expect(storableJson(clean)).toBe(clean);
    expect(storableJson({ "k\u0000": ["v\u0000", 2, { deep: "d\u0000" }], ok: "fine" })).toEqual({
      "k\uFFFD": ["v\uFFFD", 2, { deep: "d\uFFFD" }],
      ok: "fine",
    });
  });
});
