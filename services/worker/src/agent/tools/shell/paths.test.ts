import { describe, expect, it } from "vitest";
import { isInside, resolveInside } from "./paths.js";

const root = "/work/realm/session";

describe("resolveInside", () => {
  it("defaults to the root and resolves relative paths under it", () => {
    expect(resolveInside(root, undefined)).toBe(root);
    expect(resolveInside(root, "")).toBe(root);
    expect(resolveInside(root, ".")).toBe(root);
    expect(resolveInside(root, "src/app")).toBe(`${root}/src/app`);
    expect(resolveInside(root, "src/../lib")).toBe(`${root}/lib`);
  });

  it("accepts absolute paths inside the root", () => {
    expect(resolveInside(root, `${root}/build`)).toBe(`${root}/build`);
  });

  it("refuses escapes", () => {
    expect(resolveInside(root, "..")).toBeUndefined();
    expect(resolveInside(root, "../other-session")).toBeUndefined();
    expect(resolveInside(root, "src/../../..")).toBeUndefined();
    expect(resolveInside(root, "/etc")).toBeUndefined();
    // A sibling that merely shares the prefix is outside.
    expect(resolveInside(root, "/work/realm/session-2")).toBeUndefined();
  });
});

describe("isInside", () => {
  it("treats names starting with dots as inside", () => {
    expect(isInside(root, `${root}/..hidden`)).toBe(true);
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, "/work/realm")).toBe(false);
  });
});
