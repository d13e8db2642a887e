/** Builds (once per provider id) the adapter that serves each configured provider. */
import {
  providerUnavailableReason,
  type ProviderId,
  type ProviderSettings,
} from "../domain/providers.js";
import { AppError } from "../errors/index.js";
import { createAnthropicProvider } from "./providers/anthropic.js";
import { createOpenAiChatProvider } from "./providers/openai-chat.js";
import { createOpenAiResponsesProvider } from "./providers/openai-responses.js";
import type { LlmProvider } from "./types.js";

export interface ProviderRegistry {
  /** Throws `AppError("PROVIDER_ERROR")` when the provider is not configured. */
  get(provider: ProviderId): LlmProvider;
}

function createProvider(provider: ProviderId, settings: ProviderSettings): LlmProvider {
  switch (provider) {
    case "anthropic":
      return createAnthropicProvider({
        apiKey: settings.anthropic.apiKey ?? "",
        baseUrl: settings.anthropic.baseUrl,
      });
    case "openai":
      return settings.openai.api === "responses"
        ? createOpenAiResponsesProvider({
            apiKey: settings.openai.apiKey ?? "",
            baseUrl: settings.openai.baseUrl,
          })
        : createOpenAiChatProvider({
            id: "openai",
            apiKey: settings.openai.apiKey,
            baseUrl: settings.openai.baseUrl,
          });
    case "gemini":
      return createOpenAiChatProvider({
        id: "gemini",
        apiKey: settings.gemini.apiKey,
        baseUrl: settings.gemini.baseUrl,
      });
    case "self_hosted":
    case "other":
      return createOpenAiChatProvider({
        id: provider,
        apiKey: settings.selfHosted.apiKey,
        baseUrl: settings.selfHosted.baseUrl,
      });
  }
}

export function createProviderRegistry(settings: ProviderSettings): ProviderRegistry {
  const cache = new Map<ProviderId, LlmProvider>();
  return {
    get(provider) {
      const cached = cache.get(provider);
      if (cached) return cached;
      const reason = providerUnavailableReason(provider, settings);
      if (reason !== undefined) throw new AppError("PROVIDER_ERROR", reason);
      const created = createProvider(provider, settings);
      cache.set(provider, created);
      return created;
    },
  };
}
