/**
 * Request and response schemas of the session routes. The same zod schemas validate requests
 * and generate the OpenAPI document. Unknown request fields are ignored, as in the contract.
 */
import { z } from "zod";
import {
  MAX_LABEL_KEY_LENGTH,
  MAX_LABEL_VALUE_LENGTH,
  MAX_LABELS,
  parseDurationMs,
} from "@meerkat/shared/domain";

const nullable = <T extends z.ZodType>(schema: T) => schema.nullish();

/**
 * Per-run budgets (spec: `{max_tokens?, max_duration?, max_tool_calls?}`). A value of the wrong
 * type is refused rather than ignored: a budget the caller believes is set must be set. The
 * duration takes milliseconds, a duration string ("90s", "5m") or the reference's `{secs, nanos}`.
 */
const budgetLimitsSchema = z
  .object({
    max_tokens: nullable(z.number().int().positive()),
    max_duration: nullable(
      z.union([
        z.number().positive(),
        z.string().refine((text) => (parseDurationMs(text) ?? 0) > 0, {
          error: 'expected a duration such as "90s", "5m" or "1h30m"',
        }),
        z.object({
          secs: z.number().int().min(0),
          nanos: z.number().int().min(0).max(999_999_999).optional(),
        }),
      ]),
    ),
    max_tool_calls: nullable(z.number().int().min(0)),
  })
  .catchall(z.unknown());

export const contentBlockSchema = z.union([
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({
    type: z.literal("image"),
    media_type: z.string().min(1),
    source: z.literal("inline"),
    data: z.string().min(1),
  }),
  z.object({
    type: z.literal("image"),
    media_type: z.string().min(1),
    source: z.literal("blob"),
    blob_id: z.string().min(1),
  }),
]);

export const promptSchema = z.union([
  z.string().refine((value) => value.trim() !== "", { message: "must not be empty" }),
  z.array(contentBlockSchema).min(1, { message: "must contain at least one content block" }),
]);

const labelsSchema = z
  .record(z.string().min(1).max(MAX_LABEL_KEY_LENGTH), z.string().max(MAX_LABEL_VALUE_LENGTH))
  .describe(`At most ${MAX_LABELS} labels.`);

const peerMetaSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  labels: labelsSchema.optional(),
});

const toolToggles = {
  enable_builtins: nullable(z.boolean()),
  enable_shell: nullable(z.boolean()),
  enable_memory: nullable(z.boolean()),
  enable_schedule: nullable(z.boolean()),
  enable_workgraph: nullable(z.boolean()),
  enable_mob: nullable(z.boolean()),
  enable_web_search: nullable(z.boolean()),
};

/** Fields a create and a continue share. */
const turnFields = {
  prompt: promptSchema,
  system_prompt: nullable(z.string()),
  model: nullable(z.string().min(1)),
  provider: nullable(z.string().min(1)),
  max_tokens: nullable(z.number().int().positive().max(10_000_000)),
  output_schema: nullable(z.record(z.string(), z.unknown())),
  structured_output_retries: nullable(z.number().int().min(0).max(10)),
  verbose: z.boolean().optional(),
  keep_alive: nullable(z.boolean()),
  comms_name: nullable(z.string().min(1).max(128)),
  peer_meta: nullable(peerMetaSchema),
  hooks_override: nullable(z.record(z.string(), z.unknown())),
  provider_params: nullable(z.record(z.string(), z.unknown())),
  skill_refs: nullable(z.array(z.unknown())),
  additional_instructions: nullable(z.array(z.string())),
  budget_limits: nullable(budgetLimitsSchema),
  ...toolToggles,
};

export const createSessionBodySchema = z.object({
  ...turnFields,
  labels: nullable(labelsSchema),
  app_context: z.unknown().optional(),
  preload_skills: nullable(z.array(z.unknown())),
  shell_env: nullable(z.record(z.string(), z.string())),
});
export type CreateSessionBody = z.output<typeof createSessionBodySchema>;

export const continueSessionBodySchema = z.object({
  session_id: z.string().min(1),
  ...turnFields,
  flow_tool_overlay: nullable(
    z.object({
      allowed_tools: z.array(z.string()).optional(),
      blocked_tools: z.array(z.string()).optional(),
    }),
  ),
});
export type ContinueSessionBody = z.output<typeof continueSessionBodySchema>;

export const sessionIdParamsSchema = z.object({ id: z.string().min(1) });

export const usageSchema = z.object({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  total_tokens: z.number().int(),
  cache_creation_tokens: z.number().int().nullable(),
  cache_read_tokens: z.number().int().nullable(),
});

export const runResultSchema = z.object({
  session_id: z.string(),
  session_ref: z.string(),
  text: z.string(),
  turns: z.number().int(),
  tool_calls: z.number().int(),
  usage: usageSchema,
  structured_output: z.unknown(),
  schema_warnings: z
    .array(z.object({ provider: z.string(), path: z.string(), message: z.string() }))
    .nullable(),
  extraction_error: z
    .object({ attempts: z.number().int(), last_output: z.string().nullable(), reason: z.string() })
    .nullish(),
  terminal_cause_kind: z.string().nullish(),
});

export const queuedTurnSchema = z.object({
  session_id: z.string(),
  session_ref: z.string(),
  turn_id: z.string(),
  status: z.literal("queued"),
});

export const sessionDetailsSchema = z.object({
  session_id: z.string(),
  session_ref: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  message_count: z.number().int(),
  total_tokens: z.number().int(),
  labels: labelsSchema.optional(),
  is_active: z.boolean(),
  model: z.string(),
  provider: z.string(),
  last_assistant_text: z.string().nullable(),
});

export const errorBodySchema = z.object({
  error: z.string(),
  code: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A non-negative decimal integer query parameter, given once. Stricter than z.coerce.number(),
 * which reads "" as 0, "1e3" and "0x10" as numbers and a repeated parameter as NaN: a query
 * cursor reads exactly like a Last-Event-ID.
 */
export function queryInteger(min: number, max: number) {
  return z
    .string({ error: "expected a single non-negative integer" })
    .regex(/^\d+$/, { error: "expected a non-negative integer" })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ description: `A decimal integer from ${min} to ${max}` });
}

export const listSessionsQuerySchema = z.object({
  limit: queryInteger(1, 1_000).optional(),
  offset: queryInteger(0, Number.MAX_SAFE_INTEGER).optional(),
  /** Repeatable `label=key=value`; every pair must match. */
  label: z.union([z.string(), z.array(z.string())]).optional(),
});

export const sessionSummarySchema = z.object({
  session_id: z.string(),
  session_ref: z.string(),
  created_at: z.number().int().describe("unix seconds"),
  updated_at: z.number().int().describe("unix seconds"),
  message_count: z.number().int(),
  total_tokens: z.number().int(),
  is_active: z.boolean(),
  state: z.enum(["idle", "running"]),
  labels: z.record(z.string(), z.string()).optional(),
});

export const sessionListSchema = z.object({ sessions: z.array(sessionSummarySchema) });

export const historyQuerySchema = z.object({
  offset: queryInteger(0, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInteger(0, 10_000).optional(),
});

export const historySchema = z.object({
  session_id: z.string(),
  session_ref: z.string(),
  message_count: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int().nullable(),
  has_more: z.boolean(),
  messages: z.array(z.record(z.string(), z.unknown())),
});

export const eventsQuerySchema = z.object({
  after: queryInteger(0, Number.MAX_SAFE_INTEGER).optional(),
});

export const sessionStatusSchema = z.object({
  state: z.enum(["idle", "running"]),
});

export const archivedSchema = z.object({ session_id: z.string(), archived: z.literal(true) });

export const interruptedSchema = z.object({ session_id: z.string(), interrupted: z.literal(true) });
