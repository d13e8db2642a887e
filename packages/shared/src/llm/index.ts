/**
 * The LLM provider layer: the port (types), the adapters behind it and the registry that picks
 * one per provider id. SDK types never cross this boundary.
 */
export * from "./types.js";
export { LlmError, isLlmError, classifyLlmError, type LlmErrorOptions } from "./errors.js";
export { parseRetryAfterMs } from "./retry-after.js";
export { createHttpFetch, providerFetch, type FetchFunction } from "./http-fetch.js";
export { createAnthropicProvider, type AnthropicProviderConfig } from "./providers/anthropic.js";
export {
  createOpenAiChatProvider,
  type OpenAiChatProviderConfig,
} from "./providers/openai-chat.js";
export {
  createOpenAiResponsesProvider,
  type OpenAiResponsesProviderConfig,
} from "./providers/openai-responses.js";
export { createProviderRegistry, type ProviderRegistry } from "./registry.js";
