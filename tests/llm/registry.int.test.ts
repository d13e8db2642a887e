/** The registry wires each provider id to the right adapter, wire and endpoint. */
import { startFakeProvider, type FakeProvider } from "@meerkat/fake-provider";
import { createProviderRegistry, type ProviderRegistry } from "@meerkat/shared/llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collect, lastRequest, textRequest } from "./helpers.js";

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

function registry(openaiApi: "chat" | "responses"): ProviderRegistry {
  return createProviderRegistry({
    anthropic: { apiKey: "anthropic-key", baseUrl: fake.anthropicBaseUrl },
    openai: { apiKey: "openai-key", baseUrl: fake.openaiBaseUrl, api: openaiApi },
    gemini: { apiKey: "gemini-key", baseUrl: fake.openaiBaseUrl },
    selfHosted: { baseUrl: fake.openaiBaseUrl },
  });
}

describe("provider registry", () => {
  it.each([
    ["anthropic", "chat", "anthropic", "Bearer anthropic-key"],
    ["openai", "chat", "openai-chat", "Bearer openai-key"],
    ["openai", "responses", "openai-responses", "Bearer openai-key"],
    ["gemini", "chat", "openai-chat", "Bearer gemini-key"],
    // Self-hosted servers get a placeholder key when none is configured.
    ["self_hosted", "chat", "openai-chat", "Bearer not-needed"],
    ["other", "chat", "openai-chat", "Bearer not-needed"],
  ] as const)("%s (openai api %s) speaks %s", async (provider, openaiApi, api, authorization) => {
    const adapter = registry(openaiApi).get(provider);
    const { done } = await collect(
      adapter.stream(textRequest("some-model", "ping"), { signal: new AbortController().signal }),
    );
    expect(done.text).toBe("Echo: ping");
    const record = lastRequest(fake);
    expect(record.api).toBe(api);
    expect(record.headers["authorization"]).toBe(authorization);
  });
});
