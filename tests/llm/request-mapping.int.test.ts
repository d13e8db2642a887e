/**
 * What each adapter puts on the wire, asserted on the request bodies the fake recorded: tool
 * results in follow-up turns, system prompts, images, limits, response formats, pass-through.
 */
import { startFakeProvider, type FakeProvider } from "@meerkat/fake-provider";
import type { LlmMessage, LlmRequest, LlmStreamEvent } from "@meerkat/shared/llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADAPTERS, collect, lastRequest } from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

function adapter(name: string): (typeof ADAPTERS)[number] {
  const found = ADAPTERS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no adapter ${name}`);
  return found;
}

const PIXEL =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** A finished tool round: the user asks, the model calls two tools, both return. */
const TOOL_ROUND: LlmMessage[] = [
  { role: "user", content: "weather and time?" },
  {
    role: "assistant",
    text: "Checking.",
    toolCalls: [
      { id: "call_a", name: "get_weather", args: { city: "Oslo" } },
      { id: "call_b", name: "get_time", args: { zone: "CET" } },
    ],
  },
  {
    role: "tool_results",
    results: [
      { toolCallId: "call_a", name: "get_weather", content: "rain, 4°C", isError: false },
      { toolCallId: "call_b", name: "get_time", content: "unknown zone", isError: true },
    ],
  },
];

function followUp(model: string): LlmRequest {
  return { model, system: "Be brief.", messages: TOOL_ROUND, maxTokens: 300 };
}

async function run(name: string, request: LlmRequest): Promise<LlmStreamEvent[]> {
  const { events } = await collect(
    adapter(name).make(fake).stream(request, { signal: new AbortController().signal }),
  );
  return events;
}

describe("tool results in a follow-up request", () => {
  it("anthropic: tool_use blocks, then one user turn of tool_result blocks", async () => {
    const events = await run("anthropic", followUp("claude-fake-large"));
    expect(events.at(-1)).toMatchObject({ type: "done", text: "Done." });
    const body = lastRequest(fake).body;
    expect(body["system"]).toBe("Be brief.");
    expect(body["max_tokens"]).toBe(300);
    expect(body["messages"]).toEqual([
      { role: "user", content: "weather and time?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Oslo" } },
          { type: "tool_use", id: "call_b", name: "get_time", input: { zone: "CET" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_a", content: "rain, 4°C" },
          { type: "tool_result", tool_use_id: "call_b", content: "unknown zone", is_error: true },
        ],
      },
    ]);
  });

  it("openai chat: system first, assistant tool_calls, one tool message per result", async () => {
    const events = await run("openai chat", followUp("gpt-fake-large"));
    expect(events.at(-1)).toMatchObject({ type: "done", text: "Done." });
    const body = lastRequest(fake).body;
    expect(body["max_completion_tokens"]).toBe(300);
    expect(body["max_tokens"]).toBeUndefined();
    expect(body["messages"]).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "weather and time?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          {
            id: "call_a",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
          {
            id: "call_b",
            type: "function",
            function: { name: "get_time", arguments: '{"zone":"CET"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "rain, 4°C" },
      { role: "tool", tool_call_id: "call_b", content: "Error: unknown zone" },
    ]);
  });

  it("self_hosted chat: max_tokens instead of max_completion_tokens", async () => {
    await run("self_hosted chat", followUp("llama-fake"));
    const body = lastRequest(fake).body;
    expect(body["max_tokens"]).toBe(300);
    expect(body["max_completion_tokens"]).toBeUndefined();
    expect(lastRequest(fake).headers["authorization"]).toBe("Bearer test-key");
  });

  it("openai responses: instructions, function_call and function_call_output items", async () => {
    const events = await run("openai responses", followUp("gpt-fake-large"));
    expect(events.at(-1)).toMatchObject({ type: "done", text: "Done." });
    const body = lastRequest(fake).body;
    expect(body["instructions"]).toBe("Be brief.");
    expect(body["max_output_tokens"]).toBe(300);
    expect(body["store"]).toBe(false);
    expect(body["input"]).toEqual([
      { type: "message", role: "user", content: "weather and time?" },
      { type: "message", role: "assistant", content: "Checking." },
      {
        type: "function_call",
        call_id: "call_a",
        name: "get_weather",
        arguments: '{"city":"Oslo"}',
      },
      { type: "function_call", call_id: "call_b", name: "get_time", arguments: '{"zone":"CET"}' },
      { type: "function_call_output", call_id: "call_a", output: "rain, 4°C" },
      { type: "function_call_output", call_id: "call_b", output: "Error: unknown zone" },
    ]);
  });
});

describe("tools, images and parameters", () => {
  const tool = {
    name: "lookup",
    description: "Looks things up",
    inputSchema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
  };
  const imageMessage: LlmMessage = {
    role: "user",
    content: [
      { type: "text", text: "What is this?" },
      { type: "image", mediaType: "image/png", data: PIXEL },
    ],
  };

  it("anthropic: input_schema tools, base64 image blocks, pass-through params", async () => {
    await run("anthropic", {
      model: "claude-fake-large",
      messages: [imageMessage],
      tools: [tool],
      maxTokens: 100,
      temperature: 0.2,
      providerParams: { thinking: { type: "adaptive" }, max_tokens: 1, model: "ignored" },
      responseFormat: { name: "answer", schema: { type: "object" }, strict: true },
    });
    const body = lastRequest(fake).body;
    expect(body["model"]).toBe("claude-fake-large");
    expect(body["max_tokens"]).toBe(100);
    expect(body["temperature"]).toBe(0.2);
    expect(body["thinking"]).toEqual({ type: "adaptive" });
    expect(body["output_config"]).toBeUndefined();
    expect(body["tools"]).toEqual([
      { name: "lookup", description: "Looks things up", input_schema: tool.inputSchema },
    ]);
    expect(body["messages"]).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PIXEL } },
        ],
      },
    ]);
  });

  it("openai chat: function tools, data-URL images, json_schema response format", async () => {
    await run("openai chat", {
      model: "gpt-fake-large",
      messages: [imageMessage],
      tools: [tool],
      maxTokens: 100,
      providerParams: { reasoning_effort: "low", stream: false },
      responseFormat: { name: "answer", schema: { type: "object" }, strict: true },
    });
    const body = lastRequest(fake).body;
    expect(body["stream"]).toBe(true);
    expect(body["reasoning_effort"]).toBe("low");
    expect(body["tools"]).toEqual([
      {
        type: "function",
        function: {
          name: "lookup",
          description: "Looks things up",
          parameters: tool.inputSchema,
        },
      },
    ]);
    expect(body["response_format"]).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", schema: { type: "object" }, strict: true },
    });
    expect(body["messages"]).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } },
        ],
      },
    ]);
  });

  it("openai responses: function tools, input_image parts, text.format", async () => {
    await run("openai responses", {
      model: "gpt-fake-large",
      messages: [imageMessage],
      tools: [tool],
      maxTokens: 100,
      temperature: 0,
      providerParams: { reasoning: { effort: "low", summary: "auto" } },
      responseFormat: { name: "answer", schema: { type: "object" }, strict: false },
    });
    const body = lastRequest(fake).body;
    expect(body["temperature"]).toBe(0);
    expect(body["reasoning"]).toEqual({ effort: "low", summary: "auto" });
    expect(body["tools"]).toEqual([
      {
        type: "function",
        name: "lookup",
        description: "Looks things up",
        parameters: tool.inputSchema,
        strict: false,
      },
    ]);
    expect(body["text"]).toEqual({
      format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: false },
    });
    expect(body["input"]).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "What is this?" },
          { type: "input_image", image_url: `data:image/png;base64,${PIXEL}`, detail: "auto" },
        ],
      },
    ]);
  });
});

describe("reasoning", () => {
  it.each(["anthropic", "openai chat", "openai responses"])(
    "%s: reasoning arrives as reasoning deltas before the text",
    async (name) => {
      fake.enqueue({ reasoning: "Think about it first.", text: "Answer." });
      const events = await run(name, {
        model: adapter(name).model,
        messages: [{ role: "user", content: "why?" }],
        maxTokens: 50,
      });
      const reasoning = events
        .flatMap((event) => (event.type === "reasoning_delta" ? [event.delta] : []))
        .join("");
      expect(reasoning).toBe("Think about it first.");
      const firstText = events.findIndex((event) => event.type === "text_delta");
      const lastReasoning = events.findLastIndex((event) => event.type === "reasoning_delta");
      expect(lastReasoning).toBeLessThan(firstText);
      expect(events.at(-1)).toMatchObject({ type: "done", text: "Answer." });
    },
  );
});

describe("structured output", () => {
  it("streams a json reply verbatim", async () => {
    fake.enqueue({ json: { answer: 42, items: ["a"] } });
    const events = await run("openai chat", {
      model: "gpt-fake-large",
      messages: [{ role: "user", content: "json please" }],
      maxTokens: 50,
      responseFormat: { name: "answer", schema: { type: "object" }, strict: true },
    });
    const done = events.at(-1);
    expect(done?.type === "done" ? JSON.parse(done.text) : undefined).toEqual({
      answer: 42,
      items: ["a"],
    });
  });
});
