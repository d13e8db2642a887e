/**
 * The realm config (GET/PUT/PATCH /config): the contract's sections with their defaults, plus
 * our additions (`inbox`, `events`). Stored per realm in Postgres; every replica reads it live.
 * Unknown keys are dropped, as the reference's typed config does.
 */
import { z } from "zod";
import { parseDurationMs } from "./duration.js";

const duration = z
  .union([z.number().int().nonnegative(), z.string()])
  .refine((value) => parseDurationMs(value) !== undefined, {
    message: 'expected milliseconds or a duration such as "500ms", "30s", "10m"',
  });

const agentSection = z.object({
  model: z.string().min(1).default("claude-opus-4-7"),
  max_tokens_per_turn: z.number().int().positive().default(16_384),
  budget_warning_threshold: z.number().gt(0).lte(1).default(0.8),
  system_prompt: z.string().optional(),
  tool_instructions: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_turns: z.number().int().positive().default(100),
  provider_params: z.record(z.string(), z.unknown()).optional(),
  structured_output_retries: z.number().int().min(0).max(10).default(2),
  extraction_prompt: z.string().optional(),
});

const toolsSection = z.object({
  builtins_enabled: z.boolean().default(false),
  shell_enabled: z.boolean().default(false),
  comms_enabled: z.boolean().default(false),
  /** Memory tools are offered only when asked for (like the other tool families). */
  memory_enabled: z.boolean().default(false),
  mob_enabled: z.boolean().default(false),
  schedule_enabled: z.boolean().default(true),
  workgraph_enabled: z.boolean().default(false),
  default_timeout: duration.default("600s"),
  tool_timeouts: z.record(z.string(), duration).default({}),
  max_concurrent: z.number().int().positive().default(10),
  mcp_servers: z.array(z.unknown()).default([]),
});

const budgetSection = z.object({
  max_tokens: z.number().int().positive().optional(),
  max_duration: duration.optional(),
  max_tool_calls: z.number().int().positive().optional(),
});

const retrySection = z.object({
  max_retries: z.number().int().min(0).max(20).default(3),
  initial_delay: duration.default("500ms"),
  max_delay: duration.default("30s"),
  multiplier: z.number().min(1).max(10).default(2),
  call_timeout: duration.optional(),
});

const shellSection = z.object({
  program: z.string().min(1).default("bash"),
  timeout_secs: z.number().int().positive().default(30),
  max_output_bytes: z.number().int().positive().default(100_000),
  security_mode: z.enum(["unrestricted", "allow_list", "deny_list"]).default("unrestricted"),
  security_patterns: z.array(z.string()).default([]),
});

const compactionSection = z.object({
  enabled: z.boolean().default(true),
  auto_compact_threshold: z.number().int().positive().default(100_000),
  recent_turn_budget: z.number().int().min(1).default(4),
  max_summary_tokens: z.number().int().positive().default(4_096),
  min_turns_between_compactions: z.number().int().min(0).default(3),
});

const limitsSection = z.object({
  max_sessions: z.number().int().positive().default(100_000),
  max_duration: duration.optional(),
  /**
   * Cumulative tokens one session may use; a create or continue on a session that used them
   * all is refused with 429 BUDGET_EXHAUSTED before anything runs.
   */
  session_token_budget: z.number().int().positive().optional(),
});

const restSection = z.object({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(8080),
});

const hooksSection = z.object({
  default_timeout_ms: z.number().int().positive().default(5_000),
  payload_max_bytes: z.number().int().positive().default(131_072),
  background_max_concurrency: z.number().int().positive().default(32),
  entries: z.array(z.unknown()).default([]),
});

const skillsSection = z.object({
  enabled: z.boolean().default(true),
  max_injection_bytes: z.number().int().positive().default(32_768),
  inventory_threshold: z.number().int().positive().default(12),
  repositories: z.array(z.unknown()).default([]),
});

const selfHostedSection = z.object({
  servers: z
    .array(
      z.object({
        id: z.string().min(1),
        base_url: z.url(),
        models: z.array(z.string().min(1)).default([]),
      }),
    )
    .default([]),
});

const providerToolsSection = z.object({
  anthropic: z.object({ web_search: z.boolean().default(true) }).prefault({}),
  openai: z.object({ web_search: z.boolean().default(true) }).prefault({}),
  gemini: z.object({ google_search: z.boolean().default(true) }).prefault({}),
});

const commsSection = z.object({
  mode: z.string().optional(),
  address: z.string().optional(),
  require_peer_auth: z.boolean().default(false),
});

/** Ours: the per-session inbox for external events and peer messages. */
const inboxSection = z.object({
  capacity: z.number().int().positive().max(100_000).default(1_024),
  /** An admitted event starts a turn on an idle session; off ⇒ events wait for the next turn. */
  wake_on_event: z.boolean().default(true),
});

/** Ours: how long streamed events stay replayable. */
const eventsSection = z.object({
  retention: duration.default("7d"),
});

export const realmConfigSchema = z.object({
  agent: agentSection.prefault({}),
  max_tokens: z.number().int().positive().default(8_192),
  tools: toolsSection.prefault({}),
  budget: budgetSection.prefault({}),
  retry: retrySection.prefault({}),
  shell: shellSection.prefault({}),
  compaction: compactionSection.prefault({}),
  limits: limitsSection.prefault({}),
  rest: restSection.prefault({}),
  hooks: hooksSection.prefault({}),
  skills: skillsSection.prefault({}),
  self_hosted: selfHostedSection.prefault({}),
  provider_tools: providerToolsSection.prefault({}),
  comms: commsSection.prefault({}),
  inbox: inboxSection.prefault({}),
  events: eventsSection.prefault({}),
});

export type RealmConfig = z.output<typeof realmConfigSchema>;

/** Parses stored or submitted config; throws a ZodError listing every problem. */
export function parseRealmConfig(value: unknown): RealmConfig {
  return realmConfigSchema.parse(value ?? {});
}

export const DEFAULT_REALM_CONFIG: RealmConfig = parseRealmConfig({});
