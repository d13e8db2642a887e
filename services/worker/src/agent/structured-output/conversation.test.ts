import { describe, expect, it } from "vitest";
import type { LlmMessage } from "@meerkat/shared/llm";
import { withoutToolBlocks } from "./conversation.js";

describe("withoutToolBlocks", () => {
  it("rewrites tool calls and results as text and keeps everything else", () => {
    const conversation: LlmMessage[] = [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        text: "checking",
        toolCalls: [{ id: "t1", name: "weather", args: { city: "Paris" } }],
      },
      {
        role: "tool_results",
        results: [
          { toolCallId: "t1", name: "weather", content: "sunny", isError: false },
          { toolCallId: "t2", name: "radar", content: "offline", isError: true },
        ],
      },
      { role: "assistant", text: "", toolCalls: [{ id: "t3", name: "clock", args: {} }] },
      { role: "assistant", text: "It is sunny.", toolCalls: [] },
    ];
    expect(withoutToolBlocks(conversation)).toEqual([
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        text: 'checking\n[tool call weather {"city":"Paris"}]',
        toolCalls: [],
      },
      {
        role: "user",
        content: "[tool result weather]\nsunny\n\n[tool result radar (error)]\noffline",
      },
      { role: "assistant", text: "[tool call clock {}]", toolCalls: [] },
      { role: "assistant", text: "It is sunny.", toolCalls: [] },
    ]);
  });
});
