import { describe, expect, it } from "vitest";
import { estimateContentTokens, estimateTokens, IMAGE_TOKENS } from "./estimate.js";

describe("token estimation", () => {
  it("counts about four characters per token, rounded up", () => {
    expect(estimateContentTokens("")).toBe(0);
    expect(estimateContentTokens("abcd")).toBe(1);
    expect(estimateContentTokens("abcde")).toBe(2);
    expect(estimateContentTokens("x".repeat(400))).toBe(100);
  });

  it("charges a flat amount per image", () => {
    expect(
      estimateContentTokens([
        { type: "text", text: "x".repeat(8) },
        { type: "image", mediaType: "image/png", data: "A".repeat(100_000) },
        { type: "image", mediaType: "image/png", data: "AA" },
      ]),
    ).toBe(2 + 2 * IMAGE_TOKENS);
  });

  it("adds up user text, assistant text with tool calls, and tool results", () => {
    const tokens = estimateTokens([
      { role: "user", content: "x".repeat(40) },
      {
        role: "assistant",
        text: "y".repeat(20),
        toolCalls: [{ id: "c1", name: "tool", args: { q: "z" } }],
      },
      {
        role: "tool_results",
        results: [{ toolCallId: "c1", name: "tool", content: "r".repeat(80), isError: false }],
      },
    ]);
    // 10 + ceil((20 + 4 + 9) / 4) + 20
    expect(tokens).toBe(10 + 9 + 20);
  });
});
