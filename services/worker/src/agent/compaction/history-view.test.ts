import { describe, expect, it } from "vitest";
import type { StoredMessage } from "@meerkat/shared/db";
import type { TranscriptMessage } from "@meerkat/shared/domain";
import { historyView, SUMMARY_HEADER } from "./history-view.js";
import { compactedMemories } from "./memory-index.js";

function stored(bodies: TranscriptMessage[]): StoredMessage[] {
  return bodies.map((body, seq) => ({ seq, body, createdAt: new Date(0) }));
}

const transcript = stored([
  { role: "system", content: "sys" },
  { role: "user", content: "first question" },
  {
    role: "block_assistant",
    blocks: [
      { block_type: "text", data: { text: "checking" } },
      { block_type: "tool_use", data: { id: "t1", name: "lookup", args: { q: "x" } } },
    ],
    stop_reason: "tool_use",
  },
  { role: "tool_results", results: [{ tool_use_id: "t1", content: "found", is_error: false }] },
  {
    role: "block_assistant",
    blocks: [{ block_type: "text", data: { text: "first answer" } }],
    stop_reason: "end_turn",
  },
  { role: "user", content: "second question" },
  {
    role: "block_assistant",
    blocks: [{ block_type: "text", data: { text: "second answer" } }],
    stop_reason: "end_turn",
  },
]);

describe("historyView", () => {
  it("is the whole transcript without a compaction", () => {
    const view = historyView(transcript, undefined);
    expect(view.tail).toHaveLength(7);
    expect(view.messages[0]).toEqual({ role: "user", content: "first question" });
    expect(view.summary).toBeUndefined();
  });

  it("starts with the summary, then the messages after through_seq", () => {
    const view = historyView(transcript, { throughSeq: 4, summary: "they asked twice" });
    expect(view.tail.map((m) => m.seq)).toEqual([5, 6]);
    // The summary and the next user message are one user message (roles alternate).
    expect(view.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: `${SUMMARY_HEADER}\nthey asked twice` },
          { type: "text", text: "second question" },
        ],
      },
      { role: "assistant", text: "second answer", toolCalls: [] },
    ]);
  });
});

describe("compactedMemories", () => {
  it("indexes the folded text one user turn per row, with the turn number", () => {
    const memories = compactedMemories(transcript, { afterSeq: -1, throughSeq: 4 });
    expect(memories).toHaveLength(1);
    expect(memories[0]?.turn).toBe(0);
    expect(memories[0]?.content).toContain("User: first question");
    expect(memories[0]?.content).toContain('Assistant called tool lookup with {"q":"x"}');
    expect(memories[0]?.content).toContain("Tool result: found");
    expect(memories[0]?.content).toContain("Assistant: first answer");
    expect(memories[0]?.content).not.toContain("sys");
  });

  it("numbers later turns by their place in the whole session", () => {
    const memories = compactedMemories(transcript, { afterSeq: 4, throughSeq: 6 });
    expect(memories).toEqual([
      { turn: 1, content: "User: second question\n\nAssistant: second answer" },
    ]);
  });
});
