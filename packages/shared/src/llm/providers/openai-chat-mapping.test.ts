import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { isLlmError } from "../errors.js";
import type { LlmRequest } from "../types.js";
import {
  createChatStreamMapper,
  mapChatFinishReason,
  toChatMessages,
  toChatParams,
} from "./openai-chat-mapping.js";

/** Test chunks carry only the fields the mapper reads. */
const chunk = (value: object): ChatCompletionChunk => value as ChatCompletionChunk;
const delta = (fields: object, finishReason: string | null = null): ChatCompletionChunk =>
  chunk({ choices: [{ index: 0, delta: fields, finish_reason: finishReason }] });

const REQUEST: LlmRequest = {
  model: "m",
  system: "sys",
  messages: [{ role: "user", content: "hi" }],
  maxTokens: 99,
};

describe("toChatParams", () => {
  it("uses max_completion_tokens for OpenAI and max_tokens elsewhere", () => {
    const openai = toChatParams(REQUEST, "openai") as unknown as Record<string, unknown>;
    expect(openai["max_completion_tokens"]).toBe(99);
    expect(openai).not.toHaveProperty("max_tokens");
    for (const id of ["gemini", "self_hosted", "other"] as const) {
      const params = toChatParams(REQUEST, id) as unknown as Record<string, unknown>;
      expect(params["max_tokens"]).toBe(99);
      expect(params).not.toHaveProperty("max_completion_tokens");
    }
  });

  it("always streams with usage and keeps managed keys out of providerParams", () => {
    const params = toChatParams(
      {
        ...REQUEST,
        temperature: 0.1,
        providerParams: {
          stream: false,
          stream_options: { include_usage: false },
          messages: [],
          max_tokens: 1,
          top_p: 0.9,
        },
        responseFormat: { name: "out", schema: { type: "object" }, strict: true },
      },
      "openai",
    );
    expect(params).toEqual({
      model: "m",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 99,
      temperature: 0.1,
      top_p: 0.9,
      response_format: {
        type: "json_schema",
        json_schema: { name: "out", schema: { type: "object" }, strict: true },
      },
    });
  });
});

describe("toChatMessages", () => {
  it("sends tool-call-only assistant turns with null content and raw arguments verbatim", () => {
    expect(
      toChatMessages(undefined, [
        {
          role: "assistant",
          text: "",
          toolCalls: [{ id: "c1", name: "f", args: { _raw: "{broken" } }],
        },
        {
          role: "tool_results",
          results: [{ toolCallId: "c1", name: "f", content: "bad json", isError: true }],
        },
        { role: "assistant", text: "Sorry.", toolCalls: [] },
      ]),
    ).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{broken" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "Error: bad json" },
      { role: "assistant", content: "Sorry." },
    ]);
  });
});

describe("mapChatFinishReason", () => {
  it.each([
    ["stop", false, "end_turn"],
    ["stop", true, "tool_use"],
    ["tool_calls", true, "tool_use"],
    ["length", false, "max_tokens"],
    ["content_filter", false, "content_filter"],
    [null, false, "end_turn"],
  ] as const)("%s (tool calls: %s) → %s", (reason, hasCalls, expected) => {
    expect(mapChatFinishReason(reason, hasCalls)).toBe(expected);
  });
});

describe("createChatStreamMapper", () => {
  it("accumulates interleaved tool-call fragments by index", () => {
    const mapper = createChatStreamMapper("openai");
    const events = [
      delta({ role: "assistant", content: "" }),
      delta({ reasoning_content: "thinking" }),
      delta({ content: "Let me " }),
      delta({ content: "see." }),
      delta({ tool_calls: [{ index: 1, id: "b", function: { name: "g", arguments: '{"y"' } }] }),
      delta({ tool_calls: [{ index: 0, function: { name: "f", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] }),
      delta({ tool_calls: [{ index: 1, function: { name: "g", arguments: ":2}" } }] }),
      delta({}, "tool_calls"),
      chunk({
        choices: [],
        usage: {
          prompt_tokens: 50,
          completion_tokens: 5,
          total_tokens: 55,
          prompt_tokens_details: { cached_tokens: 20 },
        },
      }),
    ].flatMap((value) => mapper.push(value));
    expect(events).toEqual([
      { type: "reasoning_delta", delta: "thinking" },
      { type: "text_delta", delta: "Let me " },
      { type: "text_delta", delta: "see." },
    ]);
    const calls = [
      { id: "call_0", name: "f", args: { x: 1 } },
      { id: "b", name: "g", args: { y: 2 } },
    ];
    expect(mapper.finish()).toEqual([
      { type: "tool_call", call: calls[0] },
      { type: "tool_call", call: calls[1] },
      {
        type: "done",
        stopReason: "tool_use",
        usage: { inputTokens: 50, outputTokens: 5, cacheCreationTokens: null, cacheReadTokens: 20 },
        text: "Let me see.",
        toolCalls: calls,
      },
    ]);
  });

  it("reports unknown cache reads as null", () => {
    const mapper = createChatStreamMapper("self_hosted");
    mapper.push(delta({ content: "x" }, "stop"));
    mapper.push(chunk({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }));
    expect(mapper.finish().at(-1)).toMatchObject({
      usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: null, cacheCreationTokens: null },
    });
  });

  it("rejects an empty stream", () => {
    let thrown: unknown;
    try {
      createChatStreamMapper("gemini").finish();
    } catch (error) {
      thrown = error;
    }
    expect(isLlmError(thrown) && thrown.provider).toBe("gemini");
  });
});
