import { describe, expect, it } from "vitest";
import type { TranscriptMessage } from "@meerkat/shared/domain";
import { transcriptToLlm } from "./transcript.js";

describe("transcriptToLlm", () => {
  it("drops system messages, maps blocks, tool results and notices, and merges adjacent users", () => {
    const transcript: TranscriptMessage[] = [
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
      {
        role: "block_assistant",
        stop_reason: "tool_use",
        blocks: [
          { block_type: "text", data: { text: "let me check" } },
          { block_type: "tool_use", data: { id: "t1", name: "clock", args: { tz: "UTC" } } },
        ],
      },
      { role: "tool_results", results: [{ tool_use_id: "t1", content: "12:00", is_error: false }] },
      {
        role: "block_assistant",
        stop_reason: "end_turn",
        blocks: [{ block_type: "text", data: { text: "noon" } }],
      },
      { role: "system_notice", kind: "external_event", body: "CPU spike" },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ];
    expect(transcriptToLlm(transcript)).toEqual([
      { role: "user", content: "hi" },
      {
        role: "assistant",
        text: "let me check",
        toolCalls: [{ id: "t1", name: "clock", args: { tz: "UTC" } }],
      },
      {
        role: "tool_results",
        results: [{ toolCallId: "t1", name: "clock", content: "12:00", isError: false }],
      },
      { role: "assistant", text: "noon", toolCalls: [] },
      {
        role: "user",
        content: [
          { type: "text", text: "[system notice: external_event]\nCPU spike" },
          { type: "text", text: "thanks" },
        ],
      },
    ]);
  });
});
