import {
  BUILTIN_CATALOG,
  DEFAULT_MODEL_BY_PROVIDER,
  type CatalogModel,
  type ProviderId,
  type RealmConfig,
} from "@meerkat/shared/domain";
import { CONTRACT_VERSION, type ContractVersion } from "../runtime/capabilities.js";

export interface CatalogEntry {
  id: string;
  display_name: string;
  tier: CatalogModel["tier"];
  context_window: number | null;
  max_output_tokens: number | null;
  server_id?: string;
  profile: CatalogModel["profile"];
}

export interface ProviderCatalog {
  provider: ProviderId;
  default_model_id: string;
  models: CatalogEntry[];
}

export interface ModelsCatalog {
  contract_version: ContractVersion;
  providers: ProviderCatalog[];
}

const BUILTIN_PROVIDERS = ["anthropic", "openai", "gemini"] as const;

/**
 * A self-hosted server says nothing about its models, so their profile claims no optional
 * feature (temperature is the one parameter every OpenAI-compatible server takes).
 */
function selfHostedProfile(model: string): CatalogModel["profile"] {
  return {
    model_family: model,
    supports_temperature: true,
    supports_thinking: false,
    supports_reasoning: false,
    params_schema: {},
    vision: false,
    image_input: false,
    image_tool_results: false,
    inline_video: false,
    realtime: false,
    image_generation: false,
    supports_web_search: false,
    beta_headers: [],
  };
}

function builtinEntry(model: CatalogModel): CatalogEntry {
  return {
    id: model.id,
    display_name: model.display_name,
    tier: model.tier,
    context_window: model.context_window,
    max_output_tokens: model.max_output_tokens,
    profile: model.profile,
  };
}

/** The realm's default model leads its provider when that provider lists it. */
function defaultModelOf(models: readonly CatalogEntry[], fallback: string, agentModel: string) {
  return models.some((model) => model.id === agentModel) ? agentModel : fallback;
}

function builtinProvider(provider: ProviderId, agentModel: string): ProviderCatalog {
  const models = BUILTIN_CATALOG.filter((model) => model.provider === provider).map(builtinEntry);
  const fallback = DEFAULT_MODEL_BY_PROVIDER[provider] ?? models[0]?.id ?? "";
  return { provider, default_model_id: defaultModelOf(models, fallback, agentModel), models };
}

function selfHostedProvider(config: RealmConfig): ProviderCatalog | undefined {
  const models: CatalogEntry[] = config.self_hosted.servers.flatMap((server) =>
    server.models.map((model) => ({
      id: model,
      display_name: model,
      tier: "supported" as const,
      // Unknown until the server is asked; null is the contract's "not known".
      context_window: null,
      max_output_tokens: null,
      server_id: server.id,
      profile: selfHostedProfile(model),
    })),
  );
  const first = models[0];
  if (!first) return undefined;
  return {
    provider: "self_hosted",
    default_model_id: defaultModelOf(models, first.id, config.agent.model),
    models,
  };
}

/** GET /models/catalog: the built-in catalog by provider, plus the realm's self-hosted models. */
export function buildModelsCatalog(config: RealmConfig): ModelsCatalog {
  const providers = BUILTIN_PROVIDERS.map((provider) =>
    builtinProvider(provider, config.agent.model),
  );
  const selfHosted = selfHostedProvider(config);
  return {
    contract_version: CONTRACT_VERSION,
    providers: selfHosted ? [...providers, selfHosted] : providers,
  };
}
