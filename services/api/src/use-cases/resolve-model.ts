import {
  findCatalogModel,
  selfHostedServerFor,
  inferProviderFromModel,
  parseProviderId,
  PROVIDER_IDS,
  providerUnavailableReason,
  type ProviderId,
  type ProviderSettings,
  type RealmConfig,
} from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";

export interface ResolvedModel {
  model: string;
  provider: ProviderId;
}

/**
 * Resolves the model and provider of a request: explicit provider, else the catalog owner, else
 * a configured self-hosted server, else the model-name convention (`claude-*`, `gpt-*`/`o*`,
 * `gemini-*`), else `other`. An explicit provider that contradicts the catalog is a 400.
 */
export function resolveModel(
  requestedModel: string | null | undefined,
  requestedProvider: string | null | undefined,
  config: RealmConfig,
  fallback?: ResolvedModel,
): ResolvedModel {
  const model = requestedModel ?? fallback?.model ?? config.agent.model;
  let explicit: ProviderId | undefined;
  if (requestedProvider !== null && requestedProvider !== undefined) {
    explicit = parseProviderId(requestedProvider);
    if (!explicit) {
      throw new AppError(
        "BAD_REQUEST",
        `Invalid provider '${requestedProvider}': expected one of ${PROVIDER_IDS.join(", ")}`,
      );
    }
  }
  const owner = findCatalogModel(model)?.provider;
  if (explicit && owner && explicit !== owner) {
    throw new AppError(
      "BAD_REQUEST",
      `Provider '${explicit}' does not serve model '${model}' (the catalog lists it under '${owner}')`,
    );
  }
  const selfHosted = selfHostedServerFor(config.self_hosted.servers, model)
    ? "self_hosted"
    : undefined;
  // A continue that changes only the model keeps the session's provider unless the model says otherwise.
  const inferred = owner ?? selfHosted ?? inferProviderFromModel(model);
  const provider =
    explicit ??
    inferred ??
    (requestedModel === undefined || requestedModel === null ? fallback?.provider : undefined) ??
    "other";
  return { model, provider };
}

/**
 * 502 PROVIDER_ERROR naming the variable to set, before anything is written. A self-hosted
 * model that a server of the realm config lists is served from that server's `base_url`: it
 * needs no `SELF_HOSTED_BASE_URL`.
 */
export function assertProviderAvailable(
  resolved: ResolvedModel,
  settings: ProviderSettings,
  config: RealmConfig,
): void {
  const { provider, model } = resolved;
  if (provider === "self_hosted" && selfHostedServerFor(config.self_hosted.servers, model)) return;
  const reason = providerUnavailableReason(provider, settings);
  if (reason) throw new AppError("PROVIDER_ERROR", reason, { details: { provider } });
}
