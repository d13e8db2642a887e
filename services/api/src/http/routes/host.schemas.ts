/**
 * Response schemas of the host surfaces: capabilities, runtime host, models catalog, realms.
 * They document the wire shapes of the contract's CapabilitiesResponse, RuntimeHost* and
 * ModelsCatalogResponse schemas.
 */
import { z } from "zod";
import { CAPABILITY_IDS } from "../../runtime/capabilities.js";

export const contractVersionSchema = z.object({
  major: z.number().int(),
  minor: z.number().int(),
  patch: z.number().int(),
});

export const capabilityStatusSchema = z.union([
  z.literal("Available"),
  z.object({ DisabledByPolicy: z.object({ description: z.string() }) }),
  z.object({ NotCompiled: z.object({ feature: z.string() }) }),
  z.object({ NotSupportedByProtocol: z.object({ reason: z.string() }) }),
]);

export const capabilitiesResponseSchema = z.object({
  contract_version: contractVersionSchema,
  capabilities: z.array(
    z.object({
      id: z.enum(CAPABILITY_IDS),
      description: z.string(),
      status: capabilityStatusSchema,
    }),
  ),
});

export const runtimeCapabilitiesSchema = z.object({
  contract_version: contractVersionSchema,
  features: z.object({
    approvals: z.boolean(),
    artifacts: z.boolean(),
    blobs: z.boolean(),
    comms: z.boolean(),
    event_replay: z.boolean(),
    external_members: z.boolean(),
    mcp_live: z.boolean(),
    mobs: z.boolean(),
    runtime_backed_sessions: z.boolean(),
    schedules: z.boolean(),
    secure_remote_rpc: z.boolean(),
    session_events: z.boolean(),
    session_streams: z.boolean(),
    skills: z.boolean(),
  }),
});

export const runtimeHealthSchema = z.object({
  contract_version: contractVersionSchema,
  status: z.enum(["ok", "degraded", "unhealthy"]),
  checks: z
    .object({ postgres: z.string(), redis: z.string() })
    .describe('"ok", or why the dependency failed'),
});

export const hostInfoSchema = z.object({
  contract_version: contractVersionSchema,
  host_id: z.string(),
  host_id_scope: z.enum(["process", "realm_instance"]),
  process_name: z.string(),
  process_version: z.string(),
  capabilities: runtimeCapabilitiesSchema,
  health: runtimeHealthSchema,
  realm: z.object({
    realm_id: z.string(),
    instance_id: z.string().nullable(),
    backend: z.string(),
  }),
  endpoints: z.object({
    rest_base_url: z.string().nullable(),
    rest_paths: z.array(z.string()),
  }),
});

const modelProfileSchema = z.object({
  model_family: z.string(),
  supports_temperature: z.boolean(),
  supports_thinking: z.boolean(),
  supports_reasoning: z.boolean(),
  params_schema: z.record(z.string(), z.unknown()),
  vision: z.boolean(),
  image_input: z.boolean(),
  image_tool_results: z.boolean(),
  inline_video: z.boolean(),
  realtime: z.boolean(),
  image_generation: z.boolean(),
  supports_web_search: z.boolean(),
  beta_headers: z.array(
    z.object({ feature: z.string(), header_name: z.string(), header_value: z.string() }),
  ),
});

export const modelsCatalogSchema = z.object({
  contract_version: contractVersionSchema,
  providers: z.array(
    z.object({
      provider: z.string(),
      default_model_id: z.string(),
      models: z.array(
        z.object({
          id: z.string(),
          display_name: z.string(),
          tier: z.enum(["recommended", "supported"]),
          context_window: z.number().int().nullable(),
          max_output_tokens: z.number().int().nullable(),
          server_id: z.string().optional().describe("The self-hosted server serving the model"),
          profile: modelProfileSchema,
        }),
      ),
    }),
  ),
});

export const realmListSchema = z.object({
  realms: z.array(
    z.object({
      realm_id: z.string(),
      backend_count: z.number().int(),
      auth_profile_count: z.number().int(),
      binding_count: z.number().int(),
    }),
  ),
});

export const realmConnectionSetSchema = z.object({
  realm_id: z.string(),
  backends: z.record(z.string(), z.unknown()),
  auth_profiles: z.record(z.string(), z.unknown()),
  bindings: z.record(z.string(), z.unknown()),
});

export const realmIdParamsSchema = z.object({ id: z.string().min(1) });
