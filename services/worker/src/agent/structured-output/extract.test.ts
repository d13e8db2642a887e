import { describe, expect, it } from "vitest";
import { parseRealmConfig, type AgentEvent, type ProviderId } from "@meerkat/shared/domain";
import {
  LlmError,
  type LlmMessage,
  type LlmProvider,
  type LlmRequest,
  type LlmStreamEvent,
} from "@meerkat/shared/llm";
import type { RunContext } from "../run-context.js";
import { checkReply, extractStructuredOutput, responseFormatName } from "./extract.js";
import type { ExtractionInput } from "./types.js";

type Scripted = string | Error;

/** An in-memory provider answering each call with the next scripted text (or failing). */
function scriptedProvider(id: ProviderId, script: Scripted[]) {
  const requests: LlmRequest[] = [];
  const provider: LlmProvider = {
    id,
    async *stream(request): AsyncIterable<LlmStreamEvent> {
      // Messages are appended to after the call; keep what was sent.
      requests.push({ ...request, messages: [...request.messages] });
      const next = script.shift();
      if (next === undefined) throw new Error("script exhausted");
      if (next instanceof Error) throw next;
      await Promise.resolve();
      yield {
        type: "done",
        stopReason: "end_turn",
        text: next,
        toolCalls: [],
        usage: {
          inputTokens: 10,
          outputTokens: 5,
          cacheCreationTokens: null,
          cacheReadTokens: null,
        },
      };
    },
  };
  return { provider, requests };
}

const schema = {
  type: "object",
  properties: { country: { type: "string" }, capital: { type: "string" } },
  required: ["country", "capital"],
};

const conversation: LlmMessage[] = [
  { role: "user", content: "What is the capital of France?" },
  { role: "assistant", text: "Paris.", toolCalls: [] },
];

function setup(
  script: Scripted[],
  options: {
    providerId?: ProviderId;
    outputSchema?: unknown;
    retries?: number;
    config?: unknown;
    remainingMs?: () => number;
    controller?: AbortController;
  } = {},
) {
  const providerId = options.providerId ?? "anthropic";
  const { provider, requests } = scriptedProvider(providerId, script);
  const events: AgentEvent[] = [];
  const run = {
    session: { id: "s1", settings: { max_tokens: 1024 } },
    config: parseRealmConfig(options.config ?? { retry: { max_retries: 0 } }),
    signal: (options.controller ?? new AbortController()).signal,
    emit: (event: AgentEvent) => events.push(event),
    logger: { warn: () => undefined },
  } as unknown as RunContext;
  const input: ExtractionInput = {
    run,
    provider,
    providerId,
    model: "m",
    system: "be brief",
    conversation,
    outputSchema: options.outputSchema ?? schema,
    retries: options.retries ?? 2,
    remainingMs: options.remainingMs ?? (() => Number.POSITIVE_INFINITY),
  };
  return { input, requests, events };
}

const valid = '{"country": "France", "capital": "Paris"}';

describe("extractStructuredOutput", () => {
  it("returns the validated JSON after one call with no tools and temperature 0", async () => {
    const { input, requests, events } = setup([valid]);
    const result = await extractStructuredOutput(input);
    expect(result).toEqual({
      structuredOutput: { country: "France", capital: "Paris" },
      schemaWarnings: null,
      extractionError: null,
      llmCalls: 1,
      usage: { inputTokens: 10, outputTokens: 5, cacheCreationTokens: null, cacheReadTokens: null },
    });
    const request = requests[0];
    expect(request?.tools).toBeUndefined();
    expect(request?.temperature).toBe(0);
    expect(request?.system).toBe("be brief");
    expect(request?.responseFormat).toBeUndefined();
    expect(request?.messages.slice(0, 2)).toEqual(conversation);
    const prompt = request?.messages[2];
    expect(prompt?.role).toBe("user");
    expect(JSON.stringify(prompt)).toContain('JSON Schema \\"output\\"');
    expect(events).toEqual([
      {
        type: "extraction_succeeded",
        session_id: "s1",
        structured_output: { country: "France", capital: "Paris" },
      },
    ]);
  });

  it("retries with the validation error, then succeeds", async () => {
    const { input, requests, events } = setup(['{"country": "France"}', valid]);
    const result = await extractStructuredOutput(input);
    expect(result.structuredOutput).toEqual({ country: "France", capital: "Paris" });
    expect(result.llmCalls).toBe(2);
    expect(result.usage.inputTokens).toBe(20);
    const retry = requests[1]?.messages ?? [];
    expect(retry).toHaveLength(5);
    expect(retry[3]).toEqual({ role: "assistant", text: '{"country": "France"}', toolCalls: [] });
    expect(JSON.stringify(retry[4])).toContain("must have required property 'capital'");
    expect(events.map((event) => event.type)).toEqual(["extraction_succeeded"]);
  });

  it("reports exhaustion with the attempts, the last output and why", async () => {
    const { input, events } = setup(["nope", "still nope"], { retries: 1 });
    const result = await extractStructuredOutput(input);
    expect(result.structuredOutput).toBeNull();
    expect(result.llmCalls).toBe(2);
    expect(result.extractionError).toMatchObject({ attempts: 2, last_output: "still nope" });
    expect(result.extractionError?.reason).toMatch(
      /^no valid structured output after 2 attempts: it is not valid JSON/,
    );
    expect(events).toEqual([
      { type: "extraction_failed", session_id: "s1", ...result.extractionError },
    ]);
  });

  it("reports a provider failure instead of failing the run", async () => {
    const error = new LlmError("bad request", {
      provider: "openai",
      classification: { kind: "invalid_request", retryable: false, status: 400 },
    });
    const { input } = setup(["nope", error], { providerId: "openai" });
    const result = await extractStructuredOutput(input);
    expect(result.llmCalls).toBe(1);
    expect(result.extractionError).toEqual({
      attempts: 2,
      last_output: "nope",
      reason: "provider failed during extraction attempt 2: bad request",
    });
  });

  it("rethrows when the run is aborted", async () => {
    const controller = new AbortController();
    const aborted = new LlmError("aborted", {
      provider: "anthropic",
      classification: { kind: "aborted", retryable: false },
    });
    const { input } = setup([aborted], { controller });
    controller.abort(new Error("interrupt"));
    await expect(extractStructuredOutput(input)).rejects.toBe(aborted);
  });

  it("rethrows errors that are not provider failures", async () => {
    const { input } = setup([new TypeError("bug")]);
    await expect(extractStructuredOutput(input)).rejects.toThrow("bug");
  });

  it("stops when the time budget is spent", async () => {
    const { input, requests } = setup([valid], { remainingMs: () => 0 });
    const result = await extractStructuredOutput(input);
    expect(requests).toHaveLength(0);
    expect(result.extractionError).toMatchObject({ attempts: 0, last_output: null });
    expect(result.extractionError?.reason).toMatch(/time budget/);
  });

  it("fails without a call when the schema is unusable", async () => {
    const { input, requests, events } = setup([valid], { outputSchema: { type: "array" } });
    const result = await extractStructuredOutput(input);
    expect(requests).toHaveLength(0);
    expect(result.extractionError).toEqual({
      attempts: 0,
      last_output: null,
      reason: 'output_schema: root must be a JSON object schema (type "object")',
    });
    expect(events[0]?.type).toBe("extraction_failed");
  });

  it("sends the lowered schema as the native response format, and reports warnings", async () => {
    const outputSchema = {
      schema: {
        type: "object",
        properties: { code: { type: "string", pattern: "^[A-Z]{2}$" } },
        required: ["code"],
      },
      name: "country code",
      strict: true,
    };
    const { input, requests, events } = setup(['{"code": "FR"}'], {
      providerId: "openai",
      outputSchema,
    });
    const result = await extractStructuredOutput(input);
    expect(requests[0]?.responseFormat).toEqual({
      name: "country_code",
      strict: true,
      schema: {
        type: "object",
        properties: { code: { type: "string" } },
        required: ["code"],
        additionalProperties: false,
      },
    });
    const warning = {
      provider: "openai",
      path: "#/properties/code",
      message: "dropped unsupported keyword 'pattern'",
    };
    expect(result.schemaWarnings).toEqual([warning]);
    expect(events[0]).toMatchObject({ schema_warnings: [warning] });
  });

  it("validates against the original schema, not the lowered one", async () => {
    const outputSchema = {
      schema: {
        type: "object",
        properties: { code: { type: "string", pattern: "^[A-Z]{2}$" } },
        required: ["code"],
      },
      strict: true,
    };
    const { input, requests } = setup(['{"code": "France"}', '{"code": "FR"}'], {
      providerId: "openai",
      outputSchema,
    });
    const result = await extractStructuredOutput(input);
    expect(result.structuredOutput).toEqual({ code: "FR" });
    expect(JSON.stringify(requests[1]?.messages.at(-1))).toContain("must match pattern");
  });

  it("uses the realm's extraction_prompt", async () => {
    const { input, requests } = setup([valid], {
      config: { agent: { extraction_prompt: "JSON please." } },
    });
    await extractStructuredOutput(input);
    const prompt = requests[0]?.messages[2];
    expect(prompt?.role === "user" && prompt.content).toMatch(/^JSON please\.\n\n/);
  });
});

describe("checkReply", () => {
  it("accepts fenced JSON that matches", () => {
    expect(checkReply('```json\n{"country": "F", "capital": "P"}\n```', schema)).toEqual({
      ok: true,
      value: { country: "F", capital: "P" },
    });
  });

  it("reports schema errors", () => {
    expect(checkReply('{"country": 1, "capital": "P"}', schema)).toEqual({
      ok: false,
      problem: { kind: "schema", errors: ["$.country: must be string"] },
    });
  });
});

describe("responseFormatName", () => {
  it("keeps what OpenAI accepts and replaces the rest", () => {
    expect(responseFormatName("capital_extraction")).toBe("capital_extraction");
    expect(responseFormatName("a b.c")).toBe("a_b_c");
    expect(responseFormatName("x".repeat(70))).toHaveLength(64);
  });
});
