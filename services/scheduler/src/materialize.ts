import type { NewSessionRow } from "@meerkat/shared/db";
import {
  parseProviderId,
  providerOfModel,
  type RealmConfig,
  type SessionSettings,
} from "@meerkat/shared/domain";

/**
 * The session row a materialize_on_demand_session target creates on its first fire, from the
 * target's `create` spec with the realm's defaults (the same defaults POST /sessions applies).
 * The action's system_prompt overrides the spec's, only here.
 */
export function buildMaterializedSession(params: {
  id: string;
  realmId: string;
  create: Record<string, unknown>;
  actionSystemPrompt: string | undefined;
  config: RealmConfig;
}): NewSessionRow {
  const { create, config } = params;
  const model = typeof create["model"] === "string" ? create["model"] : config.agent.model;
  const explicit =
    typeof create["provider"] === "string" ? parseProviderId(create["provider"]) : undefined;
  const provider = explicit ?? providerOfModel(model, config.self_hosted.servers);
  const text = (key: string) => (typeof create[key] === "string" ? create[key] : undefined);
  const settings: SessionSettings = {
    system_prompt:
      params.actionSystemPrompt ?? text("system_prompt") ?? config.agent.system_prompt ?? null,
    max_tokens:
      typeof create["max_tokens"] === "number"
        ? create["max_tokens"]
        : config.agent.max_tokens_per_turn,
    structured_output_retries:
      typeof create["structured_output_retries"] === "number"
        ? create["structured_output_retries"]
        : 0,
    output_schema: create["output_schema"] ?? create["output_schema_json"] ?? null,
    keep_alive: create["keep_alive"] === true,
    comms_name: text("comms_name") ?? null,
    peer_meta: (create["peer_meta"] as SessionSettings["peer_meta"]) ?? null,
    provider_params: (create["provider_params"] as Record<string, unknown> | undefined) ?? null,
    preload_skills: create["preload_skills"] ?? null,
    additional_instructions: Array.isArray(create["additional_instructions"])
      ? (create["additional_instructions"] as string[])
      : null,
    app_context: create["app_context"] ?? null,
  };
  const labels = create["labels"];
  return {
    id: params.id,
    realmId: params.realmId,
    instanceId: typeof create["instance_id"] === "string" ? create["instance_id"] : null,
    model,
    provider,
    settings,
    labels: labels !== null && typeof labels === "object" ? (labels as Record<string, string>) : {},
  };
}
