import { describe, expect, it } from "vitest";
import { parseRealmConfig } from "@meerkat/shared/domain";
import type { LlmMessage } from "@meerkat/shared/llm";
import {
  shouldCompactAtBoundary,
  splitRun,
  summaryWithInput,
  type BoundaryCheck,
} from "./in-run.js";

const settings = parseRealmConfig({
  compaction: { auto_compact_threshold: 1_000, min_turns_between_compactions: 2 },
}).compaction;

const base: BoundaryCheck = {
  settings,
  contextWindow: 200_000,
  step: 3,
  lastCompactionStep: 0,
  lastInputTokens: 1_000,
  estimatedTokens: 10,
};

const user = (text: string): LlmMessage => ({ role: "user", content: text });
const call = (id: string): LlmMessage => ({
  role: "assistant",
  text: "",
  toolCalls: [{ id, name: "probe", args: {} }],
});
const results = (id: string): LlmMessage => ({
  role: "tool_results",
  results: [{ toolCallId: id, name: "probe", content: "ok", isError: false }],
});

describe("compaction at LLM boundaries", () => {
  it("compacts over the threshold, by the last call's input or the estimate", () => {
    expect(shouldCompactAtBoundary(base)).toBe(true);
    expect(shouldCompactAtBoundary({ ...base, lastInputTokens: 999 })).toBe(false);
    expect(shouldCompactAtBoundary({ ...base, lastInputTokens: 0, estimatedTokens: 1_000 })).toBe(
      true,
    );
  });

  it("never at the first boundary, and min_turns_between_compactions boundaries apart", () => {
    expect(shouldCompactAtBoundary({ ...base, step: 0, lastCompactionStep: -5 })).toBe(false);
    expect(shouldCompactAtBoundary({ ...base, step: 1 })).toBe(false);
    expect(shouldCompactAtBoundary({ ...base, step: 2 })).toBe(true);
    expect(shouldCompactAtBoundary({ ...base, step: 5, lastCompactionStep: 4 })).toBe(false);
  });

  it("does nothing when disabled", () => {
    expect(shouldCompactAtBoundary({ ...base, settings: { ...settings, enabled: false } })).toBe(
      false,
    );
  });

  it("keeps the input and the last rounds, and summarises history and older rounds", () => {
    const conversation = [
      user("old question"),
      { role: "assistant", text: "old answer", toolCalls: [] } as LlmMessage,
      user("the prompt"),
      call("a"),
      results("a"),
      call("b"),
      results("b"),
      user("steered in"),
      call("c"),
      results("c"),
    ];
    const split = splitRun(conversation, { historyLength: 2, inputLength: 1 }, 2);
    expect(split?.input).toEqual([user("the prompt")]);
    expect(split?.older).toEqual([conversation[0], conversation[1], call("a"), results("a")]);
    expect(split?.kept).toEqual([
      call("b"),
      results("b"),
      user("steered in"),
      call("c"),
      results("c"),
    ]);
  });

  it("with too few rounds folds only the history, and with no history nothing", () => {
    const rounds = [user("the prompt"), call("a"), results("a")];
    expect(splitRun([user("old"), ...rounds], { historyLength: 1, inputLength: 1 }, 4)).toEqual({
      older: [user("old")],
      input: [user("the prompt")],
      kept: [call("a"), results("a")],
    });
    expect(splitRun(rounds, { historyLength: 0, inputLength: 1 }, 4)).toBeUndefined();
  });

  it("a tool result always stays with its call: the kept part starts at an assistant message", () => {
    const conversation = [user("p"), call("a"), results("a"), call("b"), results("b")];
    const split = splitRun(conversation, { historyLength: 0, inputLength: 1 }, 0);
    expect(split?.kept[0]).toEqual(call("b"));
    expect(split?.older).toEqual([call("a"), results("a")]);
  });

  it("opens the compacted conversation with the summary and the input in one user message", () => {
    expect(summaryWithInput("S", [user("the prompt")])).toEqual({
      role: "user",
      content: "[Summary of the earlier conversation]\nS\n\nthe prompt",
    });
    const image = { type: "image" as const, mediaType: "image/png", data: "AAAA" };
    expect(
      summaryWithInput("S", [{ role: "user", content: [{ type: "text", text: "look" }, image] }]),
    ).toEqual({
      role: "user",
      content: [
        { type: "text", text: "[Summary of the earlier conversation]\nS" },
        { type: "text", text: "look" },
        image,
      ],
    });
  });
});
