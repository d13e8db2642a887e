/**
 * The schedule wire types of the contract (§7.2) as zod schemas. The same schemas validate
 * requests (REST bodies, tool arguments), document them in /openapi.json and type the
 * projections. Trigger schemas check structure only: the meaning (a real time zone, a
 * parsable cron expression, every_seconds ≥ 1) is judged by `normalizeTrigger`, so its
 * "invalid trigger: …" messages reach the client unchanged.
 */
import { z } from "zod";
import { MAX_LABEL_KEY_LENGTH, MAX_LABEL_VALUE_LENGTH, MAX_LABELS } from "../domain/labels.js";

// ---------------------------------------------------------------------------------------------
// Triggers

export const calendarFieldSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("any") }),
    z.object({ kind: z.literal("values"), values: z.array(z.number().int()) }),
  ])
  .describe("Omitted or {kind:'any'} matches every value.");

export const onceTriggerSchema = z.object({
  type: z.literal("once"),
  due_at_utc: z.string().describe("RFC 3339"),
});

export const intervalTriggerSchema = z.object({
  type: z.literal("interval"),
  start_at_utc: z.string().describe("RFC 3339"),
  every_seconds: z.number().int().describe("Period in seconds (at least 1)."),
  end_at_utc: z.string().nullish().describe("RFC 3339; no occurrence after it."),
});

export const calendarTriggerSchema = z.object({
  type: z.literal("calendar"),
  timezone: z.string().describe("IANA time zone, e.g. Europe/Berlin"),
  minute: calendarFieldSchema.optional(),
  hour: calendarFieldSchema.optional(),
  day_of_month: calendarFieldSchema.optional(),
  month: calendarFieldSchema.optional(),
  day_of_week: calendarFieldSchema.optional().describe("0 = Sunday … 6; 7 means Sunday"),
  year: calendarFieldSchema.nullish(),
});

/** Authoring only: stored as the equivalent calendar trigger. */
export const cronTriggerSchema = z.object({
  type: z.literal("cron"),
  expression: z.string().describe("minute hour day-of-month month day-of-week"),
  timezone: z.string().optional().describe("IANA time zone"),
});

/** A stored trigger (what responses carry). */
export const triggerSpecSchema = z.discriminatedUnion("type", [
  onceTriggerSchema,
  intervalTriggerSchema,
  calendarTriggerSchema,
]);

/** A trigger in a request: the stored forms plus cron authoring. */
export const triggerInputSchema = z.discriminatedUnion("type", [
  onceTriggerSchema,
  intervalTriggerSchema,
  calendarTriggerSchema,
  cronTriggerSchema,
]);

// ---------------------------------------------------------------------------------------------
// Actions and targets

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

export const contentInputSchema = z.union([z.string().min(1), z.array(contentBlockSchema).min(1)]);

const renderMetadata = z.record(z.string(), z.unknown()).nullish();

export const labelsSchema = z
  .record(z.string().min(1).max(MAX_LABEL_KEY_LENGTH), z.string().max(MAX_LABEL_VALUE_LENGTH))
  .describe(`At most ${MAX_LABELS} labels.`);

export const sessionActionSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("prompt"),
    prompt: contentInputSchema,
    system_prompt: z
      .string()
      .nullish()
      .describe("Honoured only when the delivery materialises a new session."),
    render_metadata: renderMetadata,
    skill_refs: z.array(z.unknown()).optional(),
    additional_instructions: z.array(z.string()).optional(),
  }),
  z.object({
    type: z.literal("event"),
    event_type: z.string().min(1),
    payload: z.unknown(),
    render_metadata: renderMetadata,
  }),
]);

export const sessionMaterializationSpecSchema = z.object({
  model: z.string().min(1),
  system_prompt: z.string().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  provider: z.string().min(1).nullish(),
  output_schema: z.unknown().optional(),
  /** Alias of output_schema (the reference accepts both). */
  output_schema_json: z.unknown().optional(),
  structured_output_retries: z.number().int().min(0).max(10).optional(),
  provider_params: z.record(z.string(), z.unknown()).nullish(),
  comms_name: z.string().min(1).max(128).nullish(),
  peer_meta: z
    .object({
      name: z.string().optional(),
      description: z.string().optional(),
      labels: labelsSchema.optional(),
    })
    .nullish(),
  labels: labelsSchema.optional(),
  preload_skills: z.array(z.unknown()).optional(),
  additional_instructions: z.array(z.string()).optional(),
  realm_id: z.string().nullish(),
  instance_id: z.string().nullish(),
  backend: z.string().nullish(),
  config_generation: z.number().int().min(0).nullish(),
  keep_alive: z.boolean().optional(),
  app_context: z.unknown().optional(),
});

const session = { target_kind: z.literal("session") };
const mob = { target_kind: z.literal("mob") };

export const exactSessionTargetSchema = z.object({
  ...session,
  type: z.literal("exact_session"),
  session_id: z.string().min(1),
  action: sessionActionSchema,
});

export const resumableSessionTargetSchema = z.object({
  ...session,
  type: z.literal("resumable_session"),
  session_id: z.string().min(1),
  action: sessionActionSchema,
});

export const materializeSessionTargetSchema = z.object({
  ...session,
  type: z.literal("materialize_on_demand_session"),
  create: sessionMaterializationSpecSchema,
  action: sessionActionSchema,
  bound_session_id: z
    .string()
    .nullish()
    .describe("Set by the system after the first delivery created the session."),
});

const helperOptionsSchema = z.strictObject({
  role_name: z.string().nullish(),
  runtime_mode: z.enum(["autonomous_host", "turn_driven"]).nullish(),
  backend: z.enum(["session", "external"]).nullish(),
  tool_access_policy: z.record(z.string(), z.unknown()).nullish(),
});

const mobTargetSchemas = [
  z.object({
    ...mob,
    type: z.literal("member"),
    mob_id: z.string(),
    member_id: z.string(),
    action: z.object({
      type: z.literal("send"),
      content: contentInputSchema,
      render_metadata: renderMetadata,
    }),
  }),
  z.object({
    ...mob,
    type: z.literal("flow"),
    mob_id: z.string(),
    flow_id: z.string(),
    params: z.unknown(),
  }),
  z.object({
    ...mob,
    type: z.literal("spawn_helper"),
    mob_id: z.string(),
    member_id: z.string(),
    prompt: z.string(),
    options: helperOptionsSchema.optional(),
  }),
  z.object({
    ...mob,
    type: z.literal("fork_helper"),
    mob_id: z.string(),
    source_member_id: z.string(),
    member_id: z.string(),
    prompt: z.string(),
    fork_context: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("full_history") }),
        z.object({ type: z.literal("last_messages"), count: z.number().int().min(0) }),
      ])
      .optional(),
    options: helperOptionsSchema.optional(),
  }),
] as const;

/** Every `type` is unique across session and mob targets, so one discriminator suffices. */
export const targetBindingSchema = z.discriminatedUnion("type", [
  exactSessionTargetSchema,
  resumableSessionTargetSchema,
  materializeSessionTargetSchema,
  ...mobTargetSchemas,
]);

/** Agent-only shortcut: rewritten to resumable_session with the running session's id. */
export const currentSessionTargetSchema = z.object({
  ...session,
  type: z.literal("current_session"),
  action: sessionActionSchema,
});

export const agentTargetBindingSchema = z.discriminatedUnion("type", [
  exactSessionTargetSchema,
  resumableSessionTargetSchema,
  materializeSessionTargetSchema,
  currentSessionTargetSchema,
  ...mobTargetSchemas,
]);

// ---------------------------------------------------------------------------------------------
// Policies

/**
 * Longest catch-up window (ten years, the longest planning horizon). The scheduler subtracts the
 * window from the clock in SQL: a window of thousands of years is out of Postgres's timestamp
 * range, and would fail every scheduler tick, for every schedule.
 */
export const MAX_MISFIRE_WINDOW_SECONDS = 3_650 * 86_400;

export const misfirePolicySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("skip") }),
  z.object({
    type: z.literal("catch_up_within"),
    window_seconds: z.number().int().min(0).max(MAX_MISFIRE_WINDOW_SECONDS),
  }),
]);

export const overlapPolicySchema = z.enum(["allow_concurrent", "skip_if_running"]);
export const missingTargetPolicySchema = z.enum(["skip", "mark_misfired"]);

/** Upper bounds keep one schedule from planning an unbounded number of rows. */
export const MAX_HORIZON_DAYS = 3_650;
export const MAX_HORIZON_OCCURRENCES = 10_000;

const horizonDays = z.number().int().min(1).max(MAX_HORIZON_DAYS);
const horizonOccurrences = z.number().int().min(1).max(MAX_HORIZON_OCCURRENCES);

// ---------------------------------------------------------------------------------------------
// Requests (§7.3). Unknown fields are ignored, as elsewhere in the contract.

export const createScheduleRequestSchema = z.object({
  name: z.string().max(256).nullish(),
  description: z.string().max(4096).nullish(),
  trigger: triggerInputSchema,
  target: targetBindingSchema,
  misfire_policy: misfirePolicySchema.nullish(),
  overlap_policy: overlapPolicySchema.nullish(),
  missing_target_policy: missingTargetPolicySchema.nullish(),
  labels: labelsSchema.nullish(),
  planning_horizon_days: horizonDays.nullish(),
  planning_horizon_occurrences: horizonOccurrences.nullish(),
});
export type CreateScheduleRequest = z.output<typeof createScheduleRequestSchema>;

export const updateScheduleRequestSchema = z.object({
  expected_revision: z.number().int().min(0).nullish(),
  name: z.string().max(256).nullish(),
  description: z.string().max(4096).nullish(),
  trigger: triggerInputSchema.nullish(),
  target: targetBindingSchema.nullish(),
  misfire_policy: misfirePolicySchema.nullish(),
  overlap_policy: overlapPolicySchema.nullish(),
  missing_target_policy: missingTargetPolicySchema.nullish(),
  planning_horizon_days: horizonDays.nullish(),
  planning_horizon_occurrences: horizonOccurrences.nullish(),
  labels: labelsSchema.nullish().describe("Replaces the whole map."),
});
export type UpdateScheduleRequest = z.output<typeof updateScheduleRequestSchema>;

export const previewRequestSchema = z.object({
  trigger: triggerInputSchema,
  count: z.number().int().min(1).max(1000).optional().describe("How many fire times (default 10)."),
  from: z
    .string()
    .optional()
    .describe("RFC 3339; the fire times are strictly after it (default now)."),
});
export type PreviewRequest = z.output<typeof previewRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Responses

export const schedulePhaseSchema = z.enum(["active", "paused", "deleted"]);

export const scheduleSchema = z.object({
  schedule_id: z.string(),
  phase: schedulePhaseSchema,
  revision: z.number().int(),
  trigger: triggerSpecSchema,
  target: targetBindingSchema,
  misfire_policy: misfirePolicySchema,
  overlap_policy: overlapPolicySchema,
  missing_target_policy: missingTargetPolicySchema,
  next_occurrence_ordinal: z.number().int(),
  planning_cursor_utc: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  planning_horizon_days: z.number().int(),
  planning_horizon_occurrences: z.number().int(),
  labels: labelsSchema,
  created_at_utc: z.string(),
  updated_at_utc: z.string(),
  deleted_at_utc: z.string().optional(),
});

export const occurrencePhaseSchema = z.enum([
  "pending",
  "claimed",
  "dispatching",
  "awaiting_completion",
  "completed",
  "skipped",
  "misfired",
  "superseded",
  "delivery_failed",
]);

export const receiptStageSchema = z.enum([
  "planned",
  "claimed",
  "dispatch_started",
  "dispatch_accepted",
  "awaiting_completion",
  "completed",
  "skipped",
  "misfired",
  "superseded",
  "delivery_failed",
  "lease_expired",
]);

export const failureClassSchema = z.enum([
  "target_materialization_failed",
  "target_missing",
  "target_busy",
  "runtime_rejected",
  "mob_rejected",
  "lease_lost",
  "transport_error",
  "internal_error",
]);

export const runtimeOutcomeSchema = z.record(z.string(), z.unknown());

export const deliveryReceiptSchema = z.object({
  receipt_id: z.string(),
  occurrence_id: z.string(),
  attempt: z.number().int(),
  stage: receiptStageSchema,
  recorded_at_utc: z.string(),
  correlation_id: z.string().optional(),
  detail: z.string().optional(),
  failure_class: failureClassSchema.optional(),
  runtime_outcome: runtimeOutcomeSchema.optional(),
  materialized_session_id: z.string().optional(),
});

export const occurrenceSchema = z.object({
  occurrence_id: z.string(),
  schedule_id: z.string(),
  schedule_revision: z.number().int(),
  occurrence_ordinal: z.number().int(),
  phase: occurrencePhaseSchema,
  due_at_utc: z.string(),
  trigger_snapshot: triggerSpecSchema,
  target_snapshot: targetBindingSchema,
  misfire_policy: misfirePolicySchema,
  overlap_policy: overlapPolicySchema,
  missing_target_policy: missingTargetPolicySchema,
  claimed_by: z.string().optional(),
  lease_expires_at_utc: z.string().optional(),
  delivery_correlation_id: z.string().optional(),
  session_id: z.string().optional().describe("The session the delivery ran in."),
  last_receipt: deliveryReceiptSchema.optional(),
  failure_class: failureClassSchema.optional(),
  runtime_outcome: runtimeOutcomeSchema.optional(),
  failure_detail: z.string().optional(),
  attempt_count: z.number().int(),
  created_at_utc: z.string(),
  claimed_at_utc: z.string().optional(),
  dispatched_at_utc: z.string().optional(),
  completed_at_utc: z.string().optional(),
  superseded_by_revision: z.number().int().optional(),
});

export type TriggerInput = z.output<typeof triggerInputSchema>;
export type TargetBinding = z.output<typeof targetBindingSchema>;
export type AgentTargetBinding = z.output<typeof agentTargetBindingSchema>;
export type SessionAction = z.output<typeof sessionActionSchema>;
export type SessionMaterializationSpec = z.output<typeof sessionMaterializationSpecSchema>;
export type MisfirePolicy = z.output<typeof misfirePolicySchema>;
export type OverlapPolicy = z.output<typeof overlapPolicySchema>;
export type MissingTargetPolicy = z.output<typeof missingTargetPolicySchema>;
export type SchedulePhase = z.output<typeof schedulePhaseSchema>;
export type OccurrencePhase = z.output<typeof occurrencePhaseSchema>;
export type ReceiptStage = z.output<typeof receiptStageSchema>;
export type Schedule = z.output<typeof scheduleSchema>;
export type Occurrence = z.output<typeof occurrenceSchema>;
export type DeliveryReceipt = z.output<typeof deliveryReceiptSchema>;

export const dstNoteSchema = z.object({
  local_time: z.string(),
  timezone: z.string(),
  kind: z.enum(["skipped", "repeated"]),
  detail: z.string(),
});

export const previewResponseSchema = z.object({
  trigger: triggerSpecSchema,
  fire_times: z.array(z.string()),
  dst_notes: z.array(dstNoteSchema),
});
export type PreviewResponse = z.output<typeof previewResponseSchema>;
