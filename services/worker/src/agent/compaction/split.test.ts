import { describe, expect, it } from "vitest";
import type { StoredMessage } from "@meerkat/shared/db";
import type { TranscriptMessage } from "@meerkat/shared/domain";
import { countUserTurns, splitForCompaction } from "./split.js";

function stored(bodies: TranscriptMessage[]): StoredMessage[] {
  return bodies.map((body, seq) => ({ seq, body, createdAt: new Date(0) }));
}

const user = (text: string): TranscriptMessage => ({ role: "user", content: text });
const reply = (text: string): TranscriptMessage => ({
  role: "block_assistant",
  blocks: [{ block_type: "text", data: { text } }],
  stop_reason: "end_turn",
});
const call = (id: string): TranscriptMessage => ({
  role: "block_assistant",
  blocks: [{ block_type: "tool_use", data: { id, name: "lookup", args: {} } }],
  stop_reason: "tool_use",
});
const results = (...ids: string[]): TranscriptMessage => ({
  role: "tool_results",
  results: ids.map((id) => ({ tool_use_id: id, content: "ok", is_error: false })),
});

describe("splitForCompaction", () => {
  const transcript = stored([
    { role: "system", content: "sys" },
    user("one"),
    reply("r1"),
    user("two"),
    call("a"),
    results("a"),
    reply("r2"),
    user("three"),
    reply("r3"),
    user("four"),
    call("b"),
    results("b"),
    reply("r4"),
  ]);

  it("keeps the last N user turns verbatim with their tool rounds", () => {
    const split = splitForCompaction(transcript, 2);
    expect(split?.kept.map((m) => m.seq)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(split?.older.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(split?.throughSeq).toBe(6);
  });

  it("keeps a single turn when the budget is one", () => {
    const split = splitForCompaction(transcript, 1);
    expect(split?.kept[0]?.body).toEqual(user("four"));
    expect(split?.throughSeq).toBe(8);
  });

  it("has nothing to compact when every turn is recent", () => {
    expect(splitForCompaction(transcript, 4)).toBeUndefined();
    expect(splitForCompaction(transcript, 10)).toBeUndefined();
    expect(splitForCompaction(stored([{ role: "system", content: "s" }]), 1)).toBeUndefined();
  });

  it("never separates a tool call from its results", () => {
    // A user message between a call and its results (a notice delivered mid-round, say):
    // cutting at the user message would orphan the result, so the cut moves before the call.
    const odd = stored([
      user("one"),
      reply("r1"),
      user("two"),
      call("x"),
      user("three"),
      results("x"),
      reply("r3"),
    ]);
    const split = splitForCompaction(odd, 1);
    expect(split?.kept.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(split?.older.map((m) => m.seq)).toEqual([0, 1, 2]);
    for (const message of split?.kept ?? []) {
      if (message.body.role !== "tool_results") continue;
      const keptCalls = (split?.kept ?? []).flatMap((m) =>
        m.body.role === "block_assistant"
          ? m.body.blocks.flatMap((b) => (b.block_type === "tool_use" ? [b.data.id] : []))
          : [],
      );
      for (const result of message.body.results) expect(keptCalls).toContain(result.tool_use_id);
    }
  });

  it("gives up when keeping tool pairs together leaves nothing older", () => {
    const odd = stored([call("x"), user("one"), results("x"), reply("r"), user("two"), reply("s")]);
    expect(splitForCompaction(odd, 1)?.throughSeq).toBe(3);
    expect(splitForCompaction(odd, 2)).toBeUndefined();
  });

  it("counts user turns", () => {
    expect(countUserTurns(transcript)).toBe(4);
  });
});
