/** Builds (once per provider id) the adapter that serves each configured provider. */
import { selfHostedServerFor, type SelfHostedServer } from "../domain/catalog.js";
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
  /**
   * The adapter a session's calls go to: for `self_hosted`, the realm config's server that lists
   * the model (its `base_url`, with `SELF_HOSTED_API_KEY`), else the provider's endpoint from the
   * environment, as `get`.
   */
  forSession(
    session: { provider: ProviderId; model: string },
    servers: readonly SelfHostedServer[],
  ): LlmProvider;
}

/** Configured self-hosted endpoints kept at once (a config rarely lists more than a few). */
const MAX_SERVER_ADAPTERS = 64;

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
  /** Adapters of realm-configured self-hosted servers, by base URL (oldest dropped first). */
  const servers = new Map<string, LlmProvider>();
  const get = (provider: ProviderId): LlmProvider => {
    const cached = cache.get(provider);
    if (cached) return cached;
    const reason = providerUnavailableReason(provider, settings);
    if (reason !== undefined) throw new AppError("PROVIDER_ERROR", reason);
    const created = createProvider(provider, settings);
    cache.set(provider, created);
    return created;
  };
  return {
    get,
    forSession(session, configured) {
      const server =
        session.provider === "self_hosted"
          ? selfHostedServerFor(configured, session.model)
          : undefined;
      if (!server) return get(session.provider);
      const cached = servers.get(server.base_url);
      if (cached) return cached;
      const created = createOpenAiChatProvider({
        id: "self_hosted",
        apiKey: settings.selfHosted.apiKey,
        baseUrl: server.base_url,
      });
      if (servers.size >= MAX_SERVER_ADAPTERS) {
        const oldest = servers.keys().next().value;
        if (oldest !== undefined) servers.delete(oldest);
      }
      servers.set(server.base_url, created);
      return created;
    },
  };
}
