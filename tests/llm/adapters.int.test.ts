/**
 * The behaviour every adapter owes the agent loop, checked through the real SDKs against the
 * fake provider: streaming, usage, tool calls, error classification, abort and timeout.
 */
import { startFakeProvider, type FakeProvider } from "@meerkat/fake-provider";
import type { LlmRequest } from "@meerkat/shared/llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ADAPTERS,
  API_KEY,
  collect,
  expectLlmError,
  lastRequest,
  textRequest,
  waitFor,
} from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ requireApiKey: API_KEY });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

const signal = (): AbortSignal => new AbortController().signal;

describe.each(ADAPTERS)("$name adapter", (adapter) => {
  const provider = (): ReturnType<typeof adapter.make> => adapter.make(fake);

  it("streams text deltas that reassemble to the scripted text", async () => {
    const chunks = ["The quick ", "brown fox ", "jumps over ", "the lazy dog."];
    fake.enqueue({ chunks });
    const { deltas, done } = await collect(
      provider().stream(textRequest(adapter.model, "go"), { signal: signal() }),
    );
    expect(deltas).toEqual(chunks);
    expect(done.text).toBe(chunks.join(""));
    expect(done.stopReason).toBe("end_turn");
    expect(done.toolCalls).toEqual([]);
    expect(lastRequest(fake).api).toBe(adapter.api);
    expect(lastRequest(fake).model).toBe(adapter.model);
  });

  it("reports the usage the provider reported", async () => {
    fake.enqueue({
      text: "ok",
      usage: { inputTokens: 120, outputTokens: 7, cacheReadTokens: 40, cacheCreationTokens: 9 },
    });
    const { done } = await collect(
      provider().stream(textRequest(adapter.model, "count"), { signal: signal() }),
    );
    expect(done.usage.inputTokens).toBe(120);
    expect(done.usage.outputTokens).toBe(7);
    expect(done.usage.cacheReadTokens).toBe(40);
    // Chat Completions has no cache-write count; the other two wires report one.
    expect(done.usage.cacheCreationTokens).toBe(adapter.api === "openai-chat" ? null : 9);
    const body = lastRequest(fake).body;
    if (adapter.api === "openai-chat") {
      expect(body["stream_options"]).toEqual({ include_usage: true });
    }
    expect(body["stream"]).toBe(true);
  });

  it("uses the default echo reply and its token estimate", async () => {
    const { done } = await collect(
      provider().stream(textRequest(adapter.model, "hello"), { signal: signal() }),
    );
    expect(done.text).toBe("Echo: hello");
    // ceil(5 characters / 4) and two words.
    expect(done.usage).toMatchObject({ inputTokens: 2, outputTokens: 2 });
  });

  it("delivers two parallel tool calls with parsed arguments", async () => {
    fake.enqueue({
      text: "Let me check both.",
      toolCalls: [
        { id: "call_weather_1", name: "get_weather", args: { city: "Paris", units: "metric" } },
        { name: "get_time", args: { zone: "Europe/Paris", nested: { deep: [1, 2] } } },
      ],
    });
    const request: LlmRequest = {
      ...textRequest(adapter.model, "weather and time in Paris?"),
      tools: [
        {
          name: "get_weather",
          description: "Weather",
          inputSchema: { type: "object", properties: { city: { type: "string" } } },
        },
        { name: "get_time", description: "Time", inputSchema: { type: "object", properties: {} } },
      ],
    };
    const { events, done } = await collect(provider().stream(request, { signal: signal() }));
    const calls = events.flatMap((event) => (event.type === "tool_call" ? [event.call] : []));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({
      id: "call_weather_1",
      name: "get_weather",
      args: { city: "Paris", units: "metric" },
    });
    expect(calls[1]?.name).toBe("get_time");
    expect(calls[1]?.args).toEqual({ zone: "Europe/Paris", nested: { deep: [1, 2] } });
    expect(calls[1]?.id).toMatch(/\S/);
    expect(done.toolCalls).toEqual(calls);
    expect(done.stopReason).toBe("tool_use");
    expect(done.text).toBe("Let me check both.");
  });

  it("maps max_tokens stops", async () => {
    fake.enqueue({ text: "cut", stopReason: "max_tokens" });
    const { done } = await collect(
      provider().stream(textRequest(adapter.model, "long"), { signal: signal() }),
    );
    expect(done.stopReason).toBe("max_tokens");
  });

  it("classifies a 429 with retry-after as a retryable rate limit", async () => {
    fake.enqueue({ error: { status: 429, retryAfterSeconds: 7 } });
    const error = await expectLlmError(
      provider().stream(textRequest(adapter.model, "hi"), { signal: signal() }),
    );
    expect(error.classification).toEqual({
      kind: "rate_limit",
      retryable: true,
      status: 429,
      retryAfterMs: 7_000,
    });
    expect(error.provider).toBe(provider().id);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("prefers retry-after-ms", async () => {
    fake.enqueue({ error: { status: 529, retryAfterMs: 1_250, retryAfterSeconds: 2 } });
    const error = await expectLlmError(
      provider().stream(textRequest(adapter.model, "hi"), { signal: signal() }),
    );
    expect(error.classification).toMatchObject({
      kind: "overloaded",
      retryable: true,
      retryAfterMs: 1_250,
    });
  });

  it("classifies a 500 as a retryable server error", async () => {
    fake.enqueue({ error: { status: 500 } });
    const error = await expectLlmError(
      provider().stream(textRequest(adapter.model, "hi"), { signal: signal() }),
    );
    expect(error.classification).toMatchObject({ kind: "server", retryable: true, status: 500 });
  });

  it("classifies a context-length 400", async () => {
    fake.enqueue({
      error: { status: 400, message: "prompt is too long: 250000 tokens > 200000 maximum" },
    });
    const error = await expectLlmError(
      provider().stream(textRequest(adapter.model, "hi"), { signal: signal() }),
    );
    expect(error.classification).toMatchObject({ kind: "context_length", retryable: false });
  });

  it("classifies a wrong key as a non-retryable auth error", async () => {
    const error = await expectLlmError(
      adapter
        .make(fake, "wrong-key")
        .stream(textRequest(adapter.model, "hi"), { signal: signal() }),
    );
    expect(error.classification).toEqual({ kind: "auth", retryable: false, status: 401 });
  });

  it("aborts a hanging stream promptly and the server sees the disconnect", async () => {
    fake.enqueue({ hang: true });
    const controller = new AbortController();
    const failure = expectLlmError(
      provider().stream(textRequest(adapter.model, "hang"), { signal: controller.signal }),
    );
    await waitFor(() => (fake.requests().length > 0 ? true : undefined), "the request");
    const startedAt = Date.now();
    controller.abort();
    const error = await failure;
    expect(error.classification).toEqual({ kind: "aborted", retryable: false });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    await waitFor(
      () => (lastRequest(fake).clientDisconnected === true ? true : undefined),
      "the fake to see the disconnect",
    );
  });

  it("fails with aborted without calling the provider when the signal is already aborted", async () => {
    const error = await expectLlmError(
      provider().stream(textRequest(adapter.model, "never"), { signal: AbortSignal.abort() }),
    );
    expect(error.classification.kind).toBe("aborted");
    expect(fake.requests()).toHaveLength(0);
  });

  it("times out a hanging stream", async () => {
    fake.enqueue({ hang: true });
    const startedAt = Date.now();
    const error = await expectLlmError(
      provider().stream(textRequest(adapter.model, "hang"), { signal: signal(), timeoutMs: 150 }),
    );
    expect(error.classification).toEqual({ kind: "timeout", retryable: true });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    await waitFor(
      () => (lastRequest(fake).clientDisconnected === true ? true : undefined),
      "the fake to see the disconnect",
    );
  });

  it("times out while waiting for response headers", async () => {
    fake.enqueue({ delayMs: 5_000 });
    const error = await expectLlmError(
      provider().stream(textRequest(adapter.model, "slow"), { signal: signal(), timeoutMs: 100 }),
    );
    expect(error.classification).toEqual({ kind: "timeout", retryable: true });
  });

  it("reports a connection cut mid-stream as a retryable network error", async () => {
    const doomed = await startFakeProvider();
    doomed.enqueue({ hang: true });
    const failure = expectLlmError(
      adapter.make(doomed).stream(textRequest(adapter.model, "cut"), { signal: signal() }),
    );
    await waitFor(() => (doomed.requests().length > 0 ? true : undefined), "the request");
    await doomed.close();
    const error = await failure;
    expect(error.classification).toEqual({ kind: "network", retryable: true });
  });

  it("reports a refused connection as a retryable network error", async () => {
    const gone = await startFakeProvider();
    await gone.close();
    const error = await expectLlmError(
      adapter.make(gone).stream(textRequest(adapter.model, "anyone?"), { signal: signal() }),
    );
    expect(error.classification).toEqual({ kind: "network", retryable: true });
  });

  it("streams slowly delivered chunks in order", async () => {
    fake.enqueue({ chunks: ["a", "b", "c"], chunkDelayMs: 5 });
    const { deltas } = await collect(
      provider().stream(textRequest(adapter.model, "slow"), { signal: signal() }),
    );
    expect(deltas).toEqual(["a", "b", "c"]);
  });

  it("stops the request when the consumer stops iterating", async () => {
    fake.enqueue({ chunks: ["one ", "two ", "three"], chunkDelayMs: 50 });
    const stream = provider().stream(textRequest(adapter.model, "stop early"), {
      signal: signal(),
    });
    for await (const event of stream) {
      if (event.type === "text_delta") break;
    }
    await waitFor(
      () => (lastRequest(fake).clientDisconnected === true ? true : undefined),
      "the fake to see the disconnect",
    );
  });
});
