import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { isLlmError } from "../errors.js";
import { createResponsesStreamMapper, toResponsesParams } from "./openai-responses-mapping.js";

/** Test events carry only the fields the mapper reads. */
const event = (value: object): ResponseStreamEvent => value as ResponseStreamEvent;

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("toResponsesParams", () => {
  it("maps instructions, limits and tools, and never stores the conversation", () => {
    const params = toResponsesParams({
      model: "gpt-x",
      system: "sys",
      messages: [{ role: "user", content: "hi" }],
      tools: [{ name: "t", description: "d", inputSchema: { type: "object" } }],
      maxTokens: 10,
      providerParams: { store: true, input: "other", reasoning: { effort: "high" } },
    });
    expect(params).toEqual({
      model: "gpt-x",
      instructions: "sys",
      input: [{ type: "message", role: "user", content: "hi" }],
      tools: [
        {
          type: "function",
          name: "t",
          description: "d",
          parameters: { type: "object" },
          strict: false,
        },
      ],
      max_output_tokens: 10,
      reasoning: { effort: "high" },
      store: false,
      stream: true,
    });
  });
});

describe("createResponsesStreamMapper", () => {
  it("maps text, reasoning, function calls and usage", () => {
    const mapper = createResponsesStreamMapper();
    const events = [
      { type: "response.created", response: {} },
      { type: "response.reasoning_summary_text.delta", delta: "why" },
      { type: "response.output_text.delta", delta: "Hel" },
      { type: "response.output_text.delta", delta: "lo" },
      {
        type: "response.output_item.added",
        item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: "" },
      },
      { type: "response.function_call_arguments.delta", item_id: "fc_1", delta: '{"a"' },
      { type: "response.function_call_arguments.delta", item_id: "fc_1", delta: ":1}" },
      {
        type: "response.output_item.done",
        item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: "" },
      },
      {
        type: "response.completed",
        response: {
          usage: {
            input_tokens: 30,
            output_tokens: 4,
            total_tokens: 34,
            input_tokens_details: { cached_tokens: 12, cache_write_tokens: 6 },
          },
        },
      },
    ].flatMap((value) => mapper.push(event(value)));
    const call = { id: "call_1", name: "f", args: { a: 1 } };
    expect(events).toEqual([
      { type: "reasoning_delta", delta: "why" },
      { type: "text_delta", delta: "Hel" },
      { type: "text_delta", delta: "lo" },
      { type: "tool_call", call },
    ]);
    expect(mapper.finish()).toEqual({
      type: "done",
      stopReason: "tool_use",
      usage: { inputTokens: 30, outputTokens: 4, cacheReadTokens: 12, cacheCreationTokens: 6 },
      text: "Hello",
      toolCalls: [call],
    });
  });

  it("maps incomplete responses to their stop reason", () => {
    const mapper = createResponsesStreamMapper();
    mapper.push(
      event({
        type: "response.incomplete",
        response: {
          incomplete_details: { reason: "content_filter" },
          usage: { input_tokens: 1, output_tokens: 1 },
        },
      }),
    );
    expect(mapper.finish()).toMatchObject({
      stopReason: "content_filter",
      usage: { cacheReadTokens: null, cacheCreationTokens: null },
    });
  });

  it("fails on response.failed and error events with a classified LlmError", () => {
    const failed = thrownBy(() =>
      createResponsesStreamMapper().push(
        event({
          type: "response.failed",
          response: { error: { code: "rate_limit_exceeded", message: "slow down" } },
        }),
      ),
    );
    expect(isLlmError(failed) && failed.classification).toEqual({
      kind: "rate_limit",
      retryable: true,
    });
    const streamError = thrownBy(() =>
      createResponsesStreamMapper().push(
        event({ type: "error", code: "server_error", message: "boom", param: null }),
      ),
    );
    expect(isLlmError(streamError) && streamError.classification).toEqual({
      kind: "server",
      retryable: true,
    });
  });

  it("rejects a stream without a terminal event", () => {
    const mapper = createResponsesStreamMapper();
    mapper.push(event({ type: "response.output_text.delta", delta: "x" }));
    const error = thrownBy(() => mapper.finish());
    expect(isLlmError(error) && error.classification.kind).toBe("network");
  });
});
