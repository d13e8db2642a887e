import { describe, expect, it } from "vitest";
import { parseToolArgs, serializeToolArgs } from "./tool-args.js";

describe("parseToolArgs", () => {
  it("parses JSON objects", () => {
    expect(parseToolArgs('{"a":1,"b":{"c":[true]}}')).toEqual({ a: 1, b: { c: [true] } });
  });

  it("treats empty arguments as no arguments", () => {
    expect(parseToolArgs("")).toEqual({});
    expect(parseToolArgs("  ")).toEqual({});
  });

  it("keeps anything that is not a JSON object as _raw", () => {
    expect(parseToolArgs('{"a":')).toEqual({ _raw: '{"a":' });
    expect(parseToolArgs("[1,2]")).toEqual({ _raw: "[1,2]" });
    expect(parseToolArgs("null")).toEqual({ _raw: "null" });
  });
});

describe("serializeToolArgs", () => {
  it("serializes objects as JSON", () => {
    expect(serializeToolArgs({ a: 1 })).toBe('{"a":1}');
  });

  it("sends unparseable arguments back verbatim", () => {
    expect(serializeToolArgs({ _raw: '{"a":' })).toBe('{"a":');
    expect(serializeToolArgs({ _raw: "x", other: 1 })).toBe('{"_raw":"x","other":1}');
  });
});
