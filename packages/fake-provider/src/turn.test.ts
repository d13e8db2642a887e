import { describe, expect, it } from "vitest";
import { countWords, resolveTurn, splitInTwo, splitIntoChunks } from "./turn.js";

const summary = { lastUserText: "hello there", endsWithToolResults: false, chars: 11 };

describe("splitIntoChunks", () => {
  it("splits at word boundaries into at most four pieces that rejoin exactly", () => {
    const text = "one two  three four five six seven eight nine";
    const chunks = splitIntoChunks(text);
    expect(chunks.length).toBeLessThanOrEqual(4);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(text);
  });

  it("keeps short and blank texts whole", () => {
    expect(splitIntoChunks("")).toEqual([]);
    expect(splitIntoChunks("word")).toEqual(["word"]);
    expect(splitIntoChunks("   ")).toEqual(["   "]);
    expect(splitIntoChunks(" lead and trail ").join("")).toBe(" lead and trail ");
  });
});

describe("splitInTwo", () => {
  it("never separates a surrogate pair", () => {
    const text = "ab😀";
    const pieces = splitInTwo(text);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) expect(piece).not.toMatch(/^[\uDC00-\uDFFF]/);
  });
});

describe("resolveTurn", () => {
  it("echoes the last user message with estimated usage by default", () => {
    expect(resolveTurn({}, summary)).toMatchObject({
      text: "Echo: hello there",
      toolCalls: [],
      stopReason: "end_turn",
      usage: { inputTokens: 3, outputTokens: 3, cacheCreationTokens: 0, cacheReadTokens: 0 },
    });
  });

  it("answers tool results with Done.", () => {
    expect(resolveTurn({}, { ...summary, endsWithToolResults: true }).text).toBe("Done.");
  });

  it("derives text from chunks or json, and the stop reason from tool calls", () => {
    expect(resolveTurn({ chunks: ["a", "", "b"] }, summary)).toMatchObject({
      text: "ab",
      chunks: ["a", "b"],
    });
    expect(resolveTurn({ json: { ok: true } }, summary).text).toBe('{"ok":true}');
    expect(resolveTurn({ toolCalls: [{ name: "t", args: { x: 1 } }] }, summary)).toMatchObject({
      text: "",
      stopReason: "tool_use",
      toolCalls: [{ id: undefined, name: "t", arguments: '{"x":1}' }],
    });
  });

  it("keeps minimum token counts of one", () => {
    expect(resolveTurn({ text: "" }, { ...summary, chars: 0 }).usage).toMatchObject({
      inputTokens: 1,
      outputTokens: 1,
    });
    expect(countWords("  a  b ")).toBe(2);
  });
});
