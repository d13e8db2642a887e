import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { isLlmError } from "../errors.js";
import type { LlmStreamEvent } from "../types.js";
import {
  createAnthropicStreamMapper,
  mapAnthropicStopReason,
  toAnthropicMessages,
  toAnthropicParams,
} from "./anthropic-mapping.js";

/** Test events carry only the fields the mapper reads. */
const event = (value: object): RawMessageStreamEvent => value as RawMessageStreamEvent;

describe("toAnthropicParams", () => {
  it("maps system, tools, limits and pass-through parameters", () => {
    const params = toAnthropicParams({
      model: "claude-x",
      system: "Be brief.",
      messages: [{ role: "user", content: "hi" }],
      tools: [{ name: "t", description: "d", inputSchema: { type: "object", properties: {} } }],
      maxTokens: 64,
      temperature: 0.5,
      providerParams: {
        thinking: { type: "adaptive" },
        model: "other",
        stream: false,
        max_tokens: 1,
      },
      responseFormat: { name: "r", schema: { type: "object" }, strict: true },
    });
    expect(params).toEqual({
      model: "claude-x",
      system: "Be brief.",
      messages: [{ role: "user", content: "hi" }],
      tools: [{ name: "t", description: "d", input_schema: { type: "object", properties: {} } }],
      max_tokens: 64,
      temperature: 0.5,
      thinking: { type: "adaptive" },
      stream: true,
    });
  });

  it("omits an empty system prompt and absent tools", () => {
    const params = toAnthropicParams({
      model: "m",
      system: "",
      messages: [{ role: "user", content: "x" }],
      tools: [],
      maxTokens: 1,
    });
    expect(params).not.toHaveProperty("system");
    expect(params).not.toHaveProperty("tools");
    expect(params).not.toHaveProperty("temperature");
  });
});

describe("toAnthropicMessages", () => {
  it("merges tool results and a following user message into one user turn", () => {
    const messages = toAnthropicMessages([
      { role: "user", content: "go" },
      { role: "assistant", text: "", toolCalls: [{ id: "t1", name: "x", args: { a: 1 } }] },
      {
        role: "tool_results",
        results: [{ toolCallId: "t1", name: "x", content: "42", isError: false }],
      },
      { role: "user", content: "and now?" },
    ]);
    expect(messages).toEqual([
      { role: "user", content: "go" },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "x", input: { a: 1 } }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "42" },
          { type: "text", text: "and now?" },
        ],
      },
    ]);
  });

  it("drops empty assistant turns and keeps images as base64 sources", () => {
    expect(
      toAnthropicMessages([
        { role: "user", content: [{ type: "image", mediaType: "image/png", data: "AAA" }] },
        { role: "assistant", text: "", toolCalls: [] },
        { role: "user", content: "again" },
      ]),
    ).toEqual([
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/png", data: "AAA" } },
          { type: "text", text: "again" },
        ],
      },
    ]);
  });
});

describe("mapAnthropicStopReason", () => {
  it.each([
    ["end_turn", "end_turn"],
    ["pause_turn", "end_turn"],
    ["tool_use", "tool_use"],
    ["max_tokens", "max_tokens"],
    ["model_context_window_exceeded", "max_tokens"],
    ["stop_sequence", "stop_sequence"],
    ["refusal", "content_filter"],
    [null, "end_turn"],
  ] as const)("%s → %s", (reason, expected) => {
    expect(mapAnthropicStopReason(reason)).toBe(expected);
  });
});

describe("createAnthropicStreamMapper", () => {
  it("turns raw events into deltas, tool calls and a final done", () => {
    const mapper = createAnthropicStreamMapper();
    const raw = [
      {
        type: "message_start",
        message: {
          usage: {
            input_tokens: 10,
            output_tokens: 1,
            cache_creation_input_tokens: 3,
            cache_read_input_tokens: 4,
          },
        },
      },
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hm" } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Hi " } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "there" } },
      { type: "content_block_stop", index: 1 },
      {
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "toolu_1", name: "lookup", input: {} },
      },
      {
        type: "content_block_delta",
        index: 2,
        delta: { type: "input_json_delta", partial_json: '{"q":' },
      },
      {
        type: "content_block_delta",
        index: 2,
        delta: { type: "input_json_delta", partial_json: '"x"}' },
      },
      { type: "content_block_stop", index: 2 },
      {
        type: "content_block_start",
        index: 3,
        content_block: { type: "tool_use", id: "toolu_2", name: "noargs", input: {} },
      },
      { type: "content_block_stop", index: 3 },
      {
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { output_tokens: 25 },
      },
      { type: "message_stop" },
    ];
    const events: LlmStreamEvent[] = raw.flatMap((value) => mapper.push(event(value)));
    const calls = [
      { id: "toolu_1", name: "lookup", args: { q: "x" } },
      { id: "toolu_2", name: "noargs", args: {} },
    ];
    expect(events).toEqual([
      { type: "reasoning_delta", delta: "hm" },
      { type: "text_delta", delta: "Hi " },
      { type: "text_delta", delta: "there" },
      { type: "tool_call", call: calls[0] },
      { type: "tool_call", call: calls[1] },
    ]);
    expect(mapper.finish()).toEqual({
      type: "done",
      stopReason: "tool_use",
      usage: { inputTokens: 10, outputTokens: 25, cacheCreationTokens: 3, cacheReadTokens: 4 },
      text: "Hi there",
      toolCalls: calls,
    });
  });

  it("takes cumulative input counts from message_delta when present", () => {
    const mapper = createAnthropicStreamMapper();
    mapper.push(
      event({ type: "message_start", message: { usage: { input_tokens: 5, output_tokens: 1 } } }),
    );
    mapper.push(
      event({
        type: "message_delta",
        delta: { stop_reason: "end_turn" },
        usage: {
          output_tokens: 9,
          input_tokens: 6,
          cache_read_input_tokens: 2,
          cache_creation_input_tokens: null,
        },
      }),
    );
    mapper.push(event({ type: "message_stop" }));
    expect(mapper.finish()).toMatchObject({
      usage: { inputTokens: 6, outputTokens: 9, cacheReadTokens: 2, cacheCreationTokens: null },
    });
  });

  it("rejects a stream that ended before message_stop", () => {
    const mapper = createAnthropicStreamMapper();
    mapper.push(
      event({ type: "message_start", message: { usage: { input_tokens: 1, output_tokens: 1 } } }),
    );
    let thrown: unknown;
    try {
      mapper.finish();
    } catch (error) {
      thrown = error;
    }
    expect(isLlmError(thrown) && thrown.classification).toEqual({
      kind: "network",
      retryable: true,
    });
  });
});
