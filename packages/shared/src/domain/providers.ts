/**
 * Provider identities and model → provider inference. Pure: the API uses these to validate
 * requests without importing any provider SDK.
 */

export const PROVIDER_IDS = ["anthropic", "openai", "gemini", "self_hosted", "other"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

/**
 * Parses a provider name from the wire. `open_a_i` is the reference's 0.6.6 serde spelling and
 * is accepted as an alias of `openai`.
 */
export function parseProviderId(value: string): ProviderId | undefined {
  const normalized = value === "open_a_i" ? "openai" : value;
  return isProviderId(normalized) ? normalized : undefined;
}

/**
 * Infers the provider from a model id: `claude-*` → anthropic, `gpt-*` / `o<digit>*` /
 * `chatgpt-*` → openai, `gemini-*` → gemini. Returns undefined when the name says nothing.
 */
export function inferProviderFromModel(model: string): ProviderId | undefined {
  const id = model.trim().toLowerCase();
  if (id.startsWith("claude-")) return "anthropic";
  if (id.startsWith("gpt-") || id.startsWith("chatgpt-") || /^o\d/.test(id)) return "openai";
  if (id.startsWith("gemini-")) return "gemini";
  return undefined;
}

/** Outbound provider settings, resolved from env (keys, base URLs). Keys never leave the process. */
export interface ProviderSettings {
  anthropic: { apiKey?: string | undefined; baseUrl?: string | undefined };
  openai: {
    apiKey?: string | undefined;
    baseUrl?: string | undefined;
    /** Which OpenAI wire to speak: Chat Completions (default) or Responses. */
    api: "chat" | "responses";
  };
  /** Gemini through its OpenAI-compatible endpoint. */
  gemini: { apiKey?: string | undefined; baseUrl: string };
  /** Any OpenAI-compatible server (vLLM, Ollama, llama.cpp, the bundled fake provider). */
  selfHosted: { apiKey?: string | undefined; baseUrl?: string | undefined };
}

/** The environment variable that supplies each provider's key (named in error messages). */
export const PROVIDER_KEY_ENV: Record<ProviderId, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  gemini: "GEMINI_API_KEY (or GOOGLE_API_KEY)",
  self_hosted: "SELF_HOSTED_BASE_URL",
  other: "SELF_HOSTED_BASE_URL",
};

/**
 * Why a provider cannot be called with these settings, or undefined when it can. Self-hosted
 * servers need a base URL rather than a key.
 */
export function providerUnavailableReason(
  provider: ProviderId,
  settings: ProviderSettings,
): string | undefined {
  switch (provider) {
    case "anthropic":
      return settings.anthropic.apiKey
        ? undefined
        : "no API key for provider anthropic: set ANTHROPIC_API_KEY";
    case "openai":
      return settings.openai.apiKey
        ? undefined
        : "no API key for provider openai: set OPENAI_API_KEY";
    case "gemini":
      return settings.gemini.apiKey
        ? undefined
        : "no API key for provider gemini: set GEMINI_API_KEY (or GOOGLE_API_KEY)";
    case "self_hosted":
    case "other":
      return settings.selfHosted.baseUrl
        ? undefined
        : `no endpoint for provider ${provider}: set SELF_HOSTED_BASE_URL`;
  }
}
