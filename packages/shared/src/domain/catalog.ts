/**
 * The built-in model catalog (contract 0.6.6). Config-backed self-hosted entries are added at
 * runtime. Used for provider inference, the explicit-provider contradiction check, context-window
 * based compaction, and GET /models/catalog.
 */
import { inferProviderFromModel, type ProviderId } from "./providers.js";

export interface CatalogModel {
  id: string;
  provider: ProviderId;
  display_name: string;
  tier: "recommended" | "supported";
  context_window: number;
  max_output_tokens: number;
  profile: {
    model_family: string;
    supports_temperature: boolean;
    supports_thinking: boolean;
    supports_reasoning: boolean;
    params_schema: Record<string, unknown>;
    vision: boolean;
    image_input: boolean;
    image_tool_results: boolean;
    inline_video: boolean;
    realtime: boolean;
    image_generation: boolean;
    supports_web_search: boolean;
    beta_headers: { feature: string; header_name: string; header_value: string }[];
  };
}

const THINKING_PARAMS = {
  type: "object",
  properties: {
    thinking: {
      type: "object",
      properties: {
        type: { enum: ["enabled", "disabled", "adaptive"] },
        budget_tokens: { type: "integer", minimum: 1024 },
      },
    },
  },
};
const REASONING_PARAMS = {
  type: "object",
  properties: {
    reasoning_effort: { enum: ["minimal", "low", "medium", "high"] },
  },
};

function anthropic(
  id: string,
  display: string,
  family: string,
  tier: CatalogModel["tier"],
  contextWindow: number,
  maxOutput: number,
): CatalogModel {
  return {
    id,
    provider: "anthropic",
    display_name: display,
    tier,
    context_window: contextWindow,
    max_output_tokens: maxOutput,
    profile: {
      model_family: family,
      supports_temperature: !family.startsWith("claude-opus-4"),
      supports_thinking: true,
      supports_reasoning: false,
      params_schema: THINKING_PARAMS,
      vision: true,
      image_input: true,
      image_tool_results: true,
      inline_video: false,
      realtime: false,
      image_generation: false,
      supports_web_search: true,
      beta_headers: [],
    },
  };
}

function openai(
  id: string,
  display: string,
  family: string,
  tier: CatalogModel["tier"],
  options: { realtime?: boolean; imageGeneration?: boolean } = {},
): CatalogModel {
  return {
    id,
    provider: "openai",
    display_name: display,
    tier,
    context_window: 400_000,
    max_output_tokens: 128_000,
    profile: {
      model_family: family,
      supports_temperature: false,
      supports_thinking: false,
      supports_reasoning: true,
      params_schema: REASONING_PARAMS,
      vision: true,
      image_input: true,
      image_tool_results: false,
      inline_video: false,
      realtime: options.realtime ?? false,
      image_generation: options.imageGeneration ?? false,
      supports_web_search: true,
      beta_headers: [],
    },
  };
}

function gemini(id: string, display: string, tier: CatalogModel["tier"]): CatalogModel {
  return {
    id,
    provider: "gemini",
    display_name: display,
    tier,
    context_window: 1_048_576,
    max_output_tokens: 65_536,
    profile: {
      model_family: "gemini-3",
      supports_temperature: true,
      supports_thinking: true,
      supports_reasoning: false,
      params_schema: THINKING_PARAMS,
      vision: true,
      image_input: true,
      image_tool_results: false,
      inline_video: true,
      realtime: false,
      image_generation: false,
      supports_web_search: true,
      beta_headers: [],
    },
  };
}

export const BUILTIN_CATALOG: readonly CatalogModel[] = [
  anthropic(
    "claude-opus-4-7",
    "Claude Opus 4.7",
    "claude-opus-4",
    "recommended",
    1_000_000,
    128_000,
  ),
  anthropic("claude-opus-4-6", "Claude Opus 4.6", "claude-opus-4", "supported", 1_000_000, 128_000),
  anthropic(
    "claude-sonnet-4-6",
    "Claude Sonnet 4.6",
    "claude-sonnet-4",
    "recommended",
    1_000_000,
    64_000,
  ),
  anthropic(
    "claude-sonnet-4-5",
    "Claude Sonnet 4.5",
    "claude-sonnet-4",
    "supported",
    200_000,
    64_000,
  ),
  anthropic(
    "claude-haiku-4-5",
    "Claude Haiku 4.5",
    "claude-haiku-4",
    "recommended",
    200_000,
    64_000,
  ),
  anthropic(
    "claude-haiku-4-5-20251001",
    "Claude Haiku 4.5 (2025-10-01)",
    "claude-haiku-4",
    "supported",
    200_000,
    64_000,
  ),
  anthropic("claude-opus-4-5", "Claude Opus 4.5", "claude-opus-4", "supported", 200_000, 64_000),
  openai("gpt-5.5", "GPT-5.5", "gpt-5", "recommended"),
  openai("gpt-5.5-pro", "GPT-5.5 Pro", "gpt-5", "supported"),
  openai("gpt-5.4", "GPT-5.4", "gpt-5", "supported"),
  openai("gpt-5.4-mini", "GPT-5.4 mini", "gpt-5", "recommended"),
  openai("gpt-5.3-codex", "GPT-5.3 Codex", "gpt-5", "supported"),
  openai("gpt-realtime-2", "GPT Realtime 2", "gpt-realtime", "supported", { realtime: true }),
  gemini("gemini-3-flash-preview", "Gemini 3 Flash (preview)", "recommended"),
  gemini("gemini-3.1-pro-preview", "Gemini 3.1 Pro (preview)", "recommended"),
  gemini("gemini-3.1-flash-lite-preview", "Gemini 3.1 Flash Lite (preview)", "supported"),
];

export const DEFAULT_MODEL_BY_PROVIDER: Partial<Record<ProviderId, string>> = {
  anthropic: "claude-opus-4-7",
  openai: "gpt-5.5",
  gemini: "gemini-3-flash-preview",
};

export function findCatalogModel(id: string): CatalogModel | undefined {
  return BUILTIN_CATALOG.find((model) => model.id === id);
}

/** A realm config's self-hosted server, as far as routing a model to it goes. */
export interface SelfHostedServer {
  id: string;
  base_url: string;
  models: readonly string[];
}

/** The first self-hosted server of the realm config that lists `model`, if any. */
export function selfHostedServerFor(
  servers: readonly SelfHostedServer[],
  model: string,
): SelfHostedServer | undefined {
  return servers.find((server) => server.models.includes(model));
}

/**
 * The provider of a model no request names one for, as POST /sessions and a schedule's
 * materialised session resolve it: the catalog's owner, else a self-hosted server of the realm
 * config that lists it, else the name's convention (`claude-*`, `gpt-*`, …), else `other`.
 */
export function providerOfModel(
  model: string,
  servers: readonly SelfHostedServer[] = [],
): ProviderId {
  return (
    findCatalogModel(model)?.provider ??
    (selfHostedServerFor(servers, model) ? "self_hosted" : undefined) ??
    inferProviderFromModel(model) ??
    "other"
  );
}

/** Context window for compaction decisions; a conservative default for unknown models. */
export function contextWindowOf(model: string): number {
  return findCatalogModel(model)?.context_window ?? 128_000;
}
