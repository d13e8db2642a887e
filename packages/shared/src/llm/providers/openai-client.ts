/** OpenAI SDK client options shared by the Chat Completions and Responses adapters. */
import type { ClientOptions } from "openai";
import type { ProviderId } from "../../domain/providers.js";
import { providerFetch } from "../http-fetch.js";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Self-hosted servers usually ignore the key, but the SDK refuses to start without one. */
const PLACEHOLDER_API_KEY = "not-needed";

export function openAiClientOptions(
  id: ProviderId,
  apiKey: string | undefined,
  baseUrl: string | undefined,
): ClientOptions {
  const options: ClientOptions = {
    apiKey: apiKey !== undefined && apiKey !== "" ? apiKey : PLACEHOLDER_API_KEY,
    // Explicit values keep OPENAI_* variables in the environment from leaking into the client.
    baseURL: baseUrl ?? DEFAULT_BASE_URL,
    adminAPIKey: null,
    maxRetries: 0,
    fetch: providerFetch,
  };
  if (id !== "openai") {
    options.organization = null;
    options.project = null;
  }
  return options;
}
