/** The OpenAI Responses API adapter. */
import OpenAI from "openai";
import type { LlmCallOptions, LlmProvider, LlmRequest, LlmStreamEvent } from "../types.js";
import { runStream, throwIfStopped } from "./common.js";
import { openAiClientOptions } from "./openai-client.js";
import { createResponsesStreamMapper, toResponsesParams } from "./openai-responses-mapping.js";

export interface OpenAiResponsesProviderConfig {
  apiKey: string;
  /** Including `/v1`. */
  baseUrl?: string | undefined;
}

export function createOpenAiResponsesProvider(config: OpenAiResponsesProviderConfig): LlmProvider {
  const client = new OpenAI(openAiClientOptions("openai", config.apiKey, config.baseUrl));

  async function* produce(
    request: LlmRequest,
    signal: AbortSignal,
  ): AsyncGenerator<LlmStreamEvent, void, undefined> {
    const stream = await client.responses.create(toResponsesParams(request), { signal });
    const mapper = createResponsesStreamMapper();
    for await (const event of stream) {
      yield* mapper.push(event);
    }
    throwIfStopped(signal);
    yield mapper.finish();
  }

  return {
    id: "openai",
    stream(request: LlmRequest, options: LlmCallOptions) {
      return runStream("openai", options, (signal) => produce(request, signal));
    },
  };
}
