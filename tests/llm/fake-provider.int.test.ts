/**
 * The fake provider itself: its control API over HTTP, reply matching, authentication, and the
 * non-streaming shapes, checked by parsing them with the official SDKs.
 */
import Anthropic from "@anthropic-ai/sdk";
import { startFakeProvider, type FakeProvider } from "@meerkat/fake-provider";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let fake: FakeProvider;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  fake = await startFakeProvider({ requireApiKey: "secret" });
  anthropic = new Anthropic({ apiKey: "secret", baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
  openai = new OpenAI({ apiKey: "secret", baseURL: fake.openaiBaseUrl, maxRetries: 0 });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("control API", () => {
  it("enqueues, lists and resets over HTTP", async () => {
    const enqueued = await postJson("/_fake/enqueue", {
      replies: [{ text: "first" }, { text: "second" }],
    });
    expect(enqueued.status).toBe(200);
    expect(await enqueued.json()).toEqual({ queued: 2, pending: 2 });
    expect((await postJson("/_fake/enqueue", { reply: { text: "third" } })).status).toBe(200);

    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const completion = await openai.chat.completions.create({
        model: "gpt-fake",
        messages: [{ role: "user", content: `message ${i}` }],
      });
      texts.push(completion.choices[0]?.message.content ?? "");
    }
    expect(texts).toEqual(["first", "second", "third", "Echo: message 3"]);

    const listed = (await (await fetch(`${fake.url}/_fake/requests`)).json()) as {
      requests: { api: string; model: string; body: { messages: unknown[] } }[];
    };
    expect(listed.requests).toHaveLength(4);
    expect(listed.requests[0]).toMatchObject({ api: "openai-chat", model: "gpt-fake" });
    expect(listed.requests[3]?.body.messages).toEqual([{ role: "user", content: "message 3" }]);

    expect((await postJson("/_fake/reset", {})).status).toBe(200);
    expect(fake.requests()).toEqual([]);
  });

  it("rejects malformed enqueue bodies", async () => {
    expect((await postJson("/_fake/enqueue", { reply: "nope" })).status).toBe(400);
    expect((await postJson("/_fake/enqueue", { reply: {}, match: 3 })).status).toBe(400);
  });

  it("matches replies by model and body substring, first match wins", async () => {
    fake.enqueue({ text: "for small" }, { model: "claude-small" });
    fake.enqueue({ text: "about cats" }, { contains: "cats" });
    fake.enqueue({ text: "anything" });
    const ask = async (model: string, content: string): Promise<unknown> => {
      const message = await anthropic.messages.create({
        model,
        max_tokens: 10,
        messages: [{ role: "user", content }],
      });
      const block = message.content[0];
      return block?.type === "text" ? block.text : block;
    };
    expect(await ask("claude-big", "tell me about cats")).toBe("about cats");
    expect(await ask("claude-big", "dogs")).toBe("anything");
    expect(await ask("claude-small", "dogs")).toBe("for small");
    expect(await ask("claude-small", "dogs")).toBe("Echo: dogs");
  });
});

describe("authentication", () => {
  it("answers a missing Anthropic key with the real 401 body", async () => {
    const response = await postJson("/v1/messages", { model: "m", max_tokens: 1, messages: [] });
    expect(response.status).toBe(401);
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    });
  });

  it("accepts the Anthropic key in x-api-key", async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "secret", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "m",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
      }),
    });
    expect(response.status).toBe(200);
  });

  it("answers a missing OpenAI key with the real 401 body", async () => {
    const response = await postJson("/v1/chat/completions", { model: "m", messages: [] });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_api_key", param: null },
    });
  });

  it("surfaces as the SDKs' AuthenticationError", async () => {
    const badAnthropic = new Anthropic({
      apiKey: "bad",
      baseURL: fake.anthropicBaseUrl,
      maxRetries: 0,
    });
    await expect(
      badAnthropic.messages.create({ model: "m", max_tokens: 1, messages: [] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const badOpenAi = new OpenAI({ apiKey: "bad", baseURL: fake.openaiBaseUrl, maxRetries: 0 });
    await expect(
      badOpenAi.chat.completions.create({ model: "m", messages: [] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("non-streaming endpoints parsed by the SDKs", () => {
  it("Anthropic messages.create", async () => {
    fake.enqueue({
      reasoning: "Hmm.",
      text: "Calling.",
      toolCalls: [{ id: "toolu_1", name: "lookup", args: { q: "x" } }],
      usage: { inputTokens: 11, outputTokens: 3, cacheReadTokens: 5 },
    });
    const message = await anthropic.messages.create({
      model: "claude-fake",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe("claude-fake");
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text", "tool_use"]);
    expect(message.content[2]).toMatchObject({ id: "toolu_1", name: "lookup", input: { q: "x" } });
    expect(message.usage).toMatchObject({
      input_tokens: 11,
      output_tokens: 3,
      cache_read_input_tokens: 5,
      cache_creation_input_tokens: 0,
    });
    expect(message._request_id).toMatch(/^req_/);
  });

  it("Anthropic messages.stream helper assembles the final message", async () => {
    fake.enqueue({ chunks: ["Hel", "lo"], toolCalls: [{ name: "t", args: { a: 1 } }] });
    const stream = anthropic.messages.stream({
      model: "claude-fake",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: "Hello" });
    expect(final.content[1]).toMatchObject({ type: "tool_use", name: "t", input: { a: 1 } });
  });

  it("OpenAI chat.completions.create", async () => {
    fake.enqueue({
      text: "",
      toolCalls: [{ id: "call_9", name: "lookup", args: { q: "y" } }],
      usage: { inputTokens: 20, outputTokens: 4, cacheReadTokens: 8 },
    });
    const completion = await openai.chat.completions.create({
      model: "gpt-fake",
      messages: [{ role: "user", content: "hi" }],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      { id: "call_9", type: "function", function: { name: "lookup", arguments: '{"q":"y"}' } },
    ]);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 4,
      total_tokens: 24,
      prompt_tokens_details: { cached_tokens: 8 },
    });
  });

  it("OpenAI chat stream helper assembles the final completion", async () => {
    fake.enqueue({ chunks: ["a", "b"], toolCalls: [{ name: "t", args: { k: "v" } }] });
    const runner = openai.chat.completions.stream({
      model: "gpt-fake",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe("ab");
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: "function",
      function: { name: "t", arguments: '{"k":"v"}' },
    });
  });

  it("OpenAI responses.create", async () => {
    fake.enqueue({
      reasoning: "Thinking.",
      text: "Result text",
      toolCalls: [{ id: "call_r", name: "lookup", args: { q: "z" } }],
      usage: { inputTokens: 30, outputTokens: 6, cacheReadTokens: 10 },
    });
    const response = await openai.responses.create({
      model: "gpt-fake",
      input: "hi",
      instructions: "Be brief.",
      store: false,
    });
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.instructions).toBe("Be brief.");
    expect(response.output_text).toBe("Result text");
    expect(response.output.map((item) => item.type)).toEqual([
      "reasoning",
      "message",
      "function_call",
    ]);
    expect(response.output[2]).toMatchObject({
      type: "function_call",
      call_id: "call_r",
      name: "lookup",
      arguments: '{"q":"z"}',
    });
    expect(response.usage).toMatchObject({
      input_tokens: 30,
      output_tokens: 6,
      total_tokens: 36,
      input_tokens_details: { cached_tokens: 10 },
    });
  });

  it("OpenAI responses stream helper assembles the final response", async () => {
    fake.enqueue({ chunks: ["x", "y"], toolCalls: [{ name: "t", args: { n: 2 } }] });
    const stream = openai.responses.stream({ model: "gpt-fake", input: "hi" });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("xy");
    expect(final.output.find((item) => item.type === "function_call")).toMatchObject({
      name: "t",
      arguments: '{"n":2}',
    });
  });

  it("reports max_tokens as an incomplete response", async () => {
    fake.enqueue({ text: "cut", stopReason: "max_tokens" });
    const response = await openai.responses.create({ model: "gpt-fake", input: "hi" });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  it("lists models in each provider's format", async () => {
    const anthropicModels = await anthropic.models.list();
    expect(anthropicModels.data.map((model) => model.id)).toContain("claude-fake-large");
    const openAiModels = await openai.models.list();
    expect(openAiModels.data.map((model) => model.id)).toContain("gpt-fake-large");
  });
});

describe("default replies", () => {
  it("answers tool results with Done.", async () => {
    const message = await anthropic.messages.create({
      model: "claude-fake",
      max_tokens: 10,
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "x", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "42" }] },
      ],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Done." });
  });

  it("returns the scripted error with request id and retry headers", async () => {
    fake.enqueue({ error: { status: 429, retryAfterSeconds: 3, retryAfterMs: 2500 } });
    const error: unknown = await anthropic.messages
      .create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.type).toBe("rate_limit_error");
    expect(rateLimit.requestID).toMatch(/^req_/);
    expect(rateLimit.headers.get("retry-after")).toBe("3");
    expect(rateLimit.headers.get("retry-after-ms")).toBe("2500");
  });
});

describe("lifecycle", () => {
  it("closes while a stream hangs", async () => {
    const local = await startFakeProvider();
    local.enqueue({ hang: true });
    const client = new OpenAI({ apiKey: "k", baseURL: local.openaiBaseUrl, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    const consumed = (async () => {
      for await (const _chunk of stream) {
        // Read until the connection drops.
      }
    })().catch((error: unknown) => error);
    await local.close();
    // close() cut the open stream: undici reports the cut connection as "terminated".
    const outcome = await consumed;
    expect(outcome).toBeInstanceOf(TypeError);
    expect((outcome as TypeError).message).toBe("terminated");
  });
});
