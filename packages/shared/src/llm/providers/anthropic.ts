/** The Anthropic Messages API adapter. */
import Anthropic from "@anthropic-ai/sdk";
import { providerFetch } from "../http-fetch.js";
import type { LlmCallOptions, LlmProvider, LlmRequest, LlmStreamEvent } from "../types.js";
import { createAnthropicStreamMapper, toAnthropicParams } from "./anthropic-mapping.js";
import { runStream, throwIfStopped } from "./common.js";

const DEFAULT_BASE_URL = "https://api.anthropic.com";

export interface AnthropicProviderConfig {
  apiKey: string;
  /** Without `/v1`: the SDK appends `/v1/messages`. */
  baseUrl?: string | undefined;
}

export function createAnthropicProvider(config: AnthropicProviderConfig): LlmProvider {
  // An explicit base URL keeps ANTHROPIC_BASE_URL in the environment from redirecting calls.
  const client = new Anthropic({
    apiKey: config.apiKey,
    baseURL: config.baseUrl ?? DEFAULT_BASE_URL,
    maxRetries: 0,
    fetch: providerFetch,
  });

  async function* produce(
    request: LlmRequest,
    signal: AbortSignal,
  ): AsyncGenerator<LlmStreamEvent, void, undefined> {
    const stream = await client.messages.create(toAnthropicParams(request), { signal });
    const mapper = createAnthropicStreamMapper();
    for await (const event of stream) {
      yield* mapper.push(event);
    }
    throwIfStopped(signal);
    yield mapper.finish();
  }

  return {
    id: "anthropic",
    stream(request: LlmRequest, options: LlmCallOptions) {
      return runStream("anthropic", options, (signal) => produce(request, signal));
    },
  };
}
