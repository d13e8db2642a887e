import { describe, expect, it } from "vitest";
import { fencedBody, parseJsonReply } from "./parse-reply.js";

describe("parseJsonReply", () => {
  it("parses plain JSON, trimmed", () => {
    expect(parseJsonReply('  {"a": 1}\n')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("strips a json fence", () => {
    expect(parseJsonReply('```json\n{"a": 1}\n```')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("strips an unlabelled fence and prose around it", () => {
    expect(parseJsonReply('Here you go:\n```\n{"a": [1, 2]}\n```\nAnything else?')).toEqual({
      ok: true,
      value: { a: [1, 2] },
    });
  });

  it("prefers the json-labelled fence", () => {
    const text = '```text\nnot it\n```\n```JSON\n{"b": true}\n```';
    expect(parseJsonReply(text)).toEqual({ ok: true, value: { b: true } });
  });

  it("accepts a fence that was never closed", () => {
    expect(parseJsonReply('```json\n{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("finds an object inside prose, skipping brace-like text and braces in strings", () => {
    const text = 'See [1] and {this}: {"text": "a } b", "n": {"m": 2}} — done.';
    expect(parseJsonReply(text)).toEqual({ ok: true, value: { text: "a } b", n: { m: 2 } } });
  });

  it("handles escaped quotes in strings", () => {
    expect(parseJsonReply('Result: {"q": "say \\"hi\\" }"}')).toEqual({
      ok: true,
      value: { q: 'say "hi" }' },
    });
  });

  it("reports the parser's error for the reply itself", () => {
    const result = parseJsonReply("I cannot do that.");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/JSON/);
  });

  it("reports an empty reply", () => {
    expect(parseJsonReply("  \n")).toEqual({ ok: false, error: "the reply was empty" });
  });
});

describe("fencedBody", () => {
  it("is undefined without a fence", () => {
    expect(fencedBody('{"a": 1}')).toBeUndefined();
  });

  it("keeps the body's inner lines", () => {
    expect(fencedBody('```json\n{\n  "a": 1\n}\n```')).toBe('{\n  "a": 1\n}');
  });
});
