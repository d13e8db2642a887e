/** Shared helpers for the provider-adapter integration tests. */
import type { FakeApi, FakeProvider, FakeRequestRecord } from "@meerkat/fake-provider";
import {
  createAnthropicProvider,
  createOpenAiChatProvider,
  createOpenAiResponsesProvider,
  isLlmError,
  type LlmError,
  type LlmProvider,
  type LlmRequest,
  type LlmStreamEvent,
} from "@meerkat/shared/llm";

export const API_KEY = "test-key";

export interface AdapterCase {
  name: string;
  api: FakeApi;
  model: string;
  make(fake: FakeProvider, apiKey?: string): LlmProvider;
}

/** The four adapter configurations under test, each pointed at the fake. */
export const ADAPTERS: AdapterCase[] = [
  {
    name: "anthropic",
    api: "anthropic",
    model: "claude-fake-large",
    make: (fake, apiKey = API_KEY) =>
      createAnthropicProvider({ apiKey, baseUrl: fake.anthropicBaseUrl }),
  },
  {
    name: "openai chat",
    api: "openai-chat",
    model: "gpt-fake-large",
    make: (fake, apiKey = API_KEY) =>
      createOpenAiChatProvider({ id: "openai", apiKey, baseUrl: fake.openaiBaseUrl }),
  },
  {
    name: "openai responses",
    api: "openai-responses",
    model: "gpt-fake-large",
    make: (fake, apiKey = API_KEY) =>
      createOpenAiResponsesProvider({ apiKey, baseUrl: fake.openaiBaseUrl }),
  },
  {
    name: "self_hosted chat",
    api: "openai-chat",
    model: "llama-fake",
    make: (fake, apiKey = API_KEY) =>
      createOpenAiChatProvider({ id: "self_hosted", apiKey, baseUrl: fake.openaiBaseUrl }),
  },
];

export function textRequest(
  model: string,
  text: string,
  extra: Partial<LlmRequest> = {},
): LlmRequest {
  return { model, messages: [{ role: "user", content: text }], maxTokens: 256, ...extra };
}

export interface Collected {
  events: LlmStreamEvent[];
  deltas: string[];
  done: Extract<LlmStreamEvent, { type: "done" }>;
}

export async function collect(stream: AsyncIterable<LlmStreamEvent>): Promise<Collected> {
  const events: LlmStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  const done = events.at(-1);
  if (done?.type !== "done") throw new Error("the stream did not end with a done event");
  const deltas = events.flatMap((event) => (event.type === "text_delta" ? [event.delta] : []));
  return { events, deltas, done };
}

/** Runs the stream to its end and returns the LlmError it failed with. */
export async function expectLlmError(stream: AsyncIterable<LlmStreamEvent>): Promise<LlmError> {
  try {
    for await (const _event of stream) {
      // Drain until the failure.
    }
  } catch (error) {
    if (isLlmError(error)) return error;
    throw new Error(`expected an LlmError, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected the stream to fail");
}

/** Polls until `check` returns a value (not undefined), or fails after the deadline. */
export async function waitFor<T>(
  check: () => T | undefined,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function lastRequest(fake: FakeProvider): FakeRequestRecord {
  const record = fake.requests().at(-1);
  if (!record) throw new Error("the fake received no request");
  return record;
}
