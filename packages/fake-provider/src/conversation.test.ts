import { describe, expect, it } from "vitest";
import { countTextChars, summarizeConversation } from "./conversation.js";

describe("summarizeConversation", () => {
  it("reads Anthropic conversations, system prompt included in the count", () => {
    expect(
      summarizeConversation("anthropic", {
        system: "sys",
        messages: [
          { role: "user", content: [{ type: "text", text: "first" }] },
          { role: "assistant", content: "ok" },
          { role: "user", content: "second" },
        ],
      }),
    ).toEqual({ lastUserText: "second", endsWithToolResults: false, chars: 3 + 5 + 2 + 6 });
  });

  it("detects tool-result turns on each wire", () => {
    expect(
      summarizeConversation("anthropic", {
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "1" }] },
        ],
      }).endsWithToolResults,
    ).toBe(true);
    expect(
      summarizeConversation("openai-chat", {
        messages: [{ role: "tool", tool_call_id: "c", content: "1" }],
      }).endsWithToolResults,
    ).toBe(true);
    expect(
      summarizeConversation("openai-responses", {
        input: [{ type: "function_call_output", call_id: "c", output: "1" }],
      }).endsWithToolResults,
    ).toBe(true);
  });

  it("reads Responses input given as a string or as items", () => {
    expect(summarizeConversation("openai-responses", { input: "hey", instructions: "be" })).toEqual(
      {
        lastUserText: "hey",
        endsWithToolResults: false,
        chars: 5,
      },
    );
    expect(
      summarizeConversation("openai-responses", {
        input: [
          {
            role: "user",
            content: [
              { type: "input_text", text: "a" },
              { type: "input_text", text: "b" },
            ],
          },
        ],
      }).lastUserText,
    ).toBe("a\nb");
  });
});

describe("countTextChars", () => {
  it("skips identifiers, roles and binary payloads", () => {
    expect(
      countTextChars([
        { role: "user", content: [{ type: "image", source: { type: "base64", data: "AAAA" } }] },
        { role: "tool", tool_call_id: "call_1", content: "abc" },
      ]),
    ).toBe(3);
  });
});
