/** The OpenAI Chat Completions adapter, for OpenAI (chat mode), Gemini and self-hosted servers. */
import OpenAI from "openai";
import type { ProviderId } from "../../domain/providers.js";
import type { LlmCallOptions, LlmProvider, LlmRequest, LlmStreamEvent } from "../types.js";
import { runStream, throwIfStopped } from "./common.js";
import { createChatStreamMapper, toChatParams } from "./openai-chat-mapping.js";
import { openAiClientOptions } from "./openai-client.js";

export interface OpenAiChatProviderConfig {
  id: ProviderId;
  /** Optional for self-hosted servers, which often need none. */
  apiKey?: string | undefined;
  /** Including `/v1` (or the server's equivalent). */
  baseUrl?: string | undefined;
}

export function createOpenAiChatProvider(config: OpenAiChatProviderConfig): LlmProvider {
  const id = config.id;
  const client = new OpenAI(openAiClientOptions(id, config.apiKey, config.baseUrl));

  async function* produce(
    request: LlmRequest,
    signal: AbortSignal,
  ): AsyncGenerator<LlmStreamEvent, void, undefined> {
    const stream = await client.chat.completions.create(toChatParams(request, id), { signal });
    const mapper = createChatStreamMapper(id);
    for await (const chunk of stream) {
      yield* mapper.push(chunk);
    }
    throwIfStopped(signal);
    yield* mapper.finish();
  }

  return {
    id,
    stream(request: LlmRequest, options: LlmCallOptions) {
      return runStream(id, options, (signal) => produce(request, signal));
    },
  };
}
