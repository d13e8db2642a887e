/**
 * Argument schemas of the schedule tools, and their JSON Schema form for models and for
 * GET /schedule/tools. They are strict (a typo in a field name is an error naming it, not a
 * silently ignored field) and create requires every policy, so an agent always chooses them.
 */
import { z } from "zod";
import {
  agentTargetBindingSchema,
  labelsSchema,
  MAX_HORIZON_DAYS,
  MAX_HORIZON_OCCURRENCES,
  missingTargetPolicySchema,
  misfirePolicySchema,
  overlapPolicySchema,
  triggerInputSchema,
} from "./wire.js";

const scheduleId = z.string().min(1).describe("The schedule's id (a UUID).");

const optionalFields = {
  name: z.string().max(256).optional().describe("A short name that says what it does."),
  description: z.string().max(4096).optional(),
  labels: labelsSchema.optional(),
  planning_horizon_days: z
    .number()
    .int()
    .min(1)
    .max(MAX_HORIZON_DAYS)
    .optional()
    .describe("How far ahead occurrences are planned (default 30)."),
  planning_horizon_occurrences: z
    .number()
    .int()
    .min(1)
    .max(MAX_HORIZON_OCCURRENCES)
    .optional()
    .describe("At most this many planned occurrences at a time (default 64)."),
};

export const createToolArgsSchema = z.strictObject({
  ...optionalFields,
  trigger: triggerInputSchema,
  target: agentTargetBindingSchema,
  misfire_policy: misfirePolicySchema,
  overlap_policy: overlapPolicySchema,
  missing_target_policy: missingTargetPolicySchema,
});

export const updateToolArgsSchema = z.strictObject({
  schedule_id: scheduleId,
  expected_revision: z.number().int().min(0).optional(),
  ...optionalFields,
  trigger: triggerInputSchema.optional(),
  target: agentTargetBindingSchema.optional(),
  misfire_policy: misfirePolicySchema.optional(),
  overlap_policy: overlapPolicySchema.optional(),
  missing_target_policy: missingTargetPolicySchema.optional(),
});

export const scheduleIdToolArgsSchema = z.strictObject({ schedule_id: scheduleId });

export const listToolArgsSchema = z.strictObject({});

export const occurrencesToolArgsSchema = z.strictObject({
  schedule_id: scheduleId,
  include_terminal: z
    .boolean()
    .optional()
    .describe("false lists only pending and in-flight occurrences (default true)."),
});

/** The input JSON Schema (draft-07, which the tool validator and every provider accept). */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: "draft-7",
    io: "input",
  }) as Record<string, unknown>;
  return json;
}

/*
 * What the model is shown for create/update. The full wire schema (every trigger and target
 * variant, mob targets included) is about 16 KB of JSON per tool, sent with every model call
 * and billed as input tokens; this compact form describes the shapes in words and leaves exact
 * validation to the zod schemas above, whose errors name the offending field.
 */
const RFC3339 = { type: "string", description: "RFC 3339 time, e.g. 2026-05-01T09:00:00Z" };
const calendarField = {
  type: "object",
  description: 'Omit for any value, or {"kind":"values","values":[...]}',
};

const triggerJson = {
  type: "object",
  description:
    'When it fires: {"type":"once","due_at_utc"} | {"type":"interval","start_at_utc","every_seconds","end_at_utc"?} | {"type":"cron","expression":"min hour dom month dow","timezone":"IANA zone"} | {"type":"calendar","timezone", minute?, hour?, day_of_month?, month?, day_of_week? (0=Sunday), year?}. Calendar fields (and cron day-of-month with day-of-week) are ANDed.',
  properties: {
    type: { enum: ["once", "interval", "calendar", "cron"] },
    due_at_utc: RFC3339,
    start_at_utc: RFC3339,
    end_at_utc: RFC3339,
    every_seconds: { type: "integer", minimum: 1 },
    expression: { type: "string" },
    timezone: { type: "string", description: "IANA time zone, e.g. Europe/Berlin" },
    minute: calendarField,
    hour: calendarField,
    day_of_month: calendarField,
    month: calendarField,
    day_of_week: calendarField,
    year: calendarField,
  },
  required: ["type"],
};

const targetJson = {
  type: "object",
  description:
    'Who receives it: {"target_kind":"session","type":"current_session"|"resumable_session"|"exact_session"|"materialize_on_demand_session", "session_id" (resumable/exact), "create":{"model", "system_prompt"?, "labels"?, …} (materialize: a new session on the first fire, reused after), "action": {"type":"prompt","prompt","additional_instructions"?} | {"type":"event","event_type","payload"}}. current_session means this session.',
  properties: {
    target_kind: { enum: ["session"] },
    type: {
      enum: [
        "current_session",
        "resumable_session",
        "exact_session",
        "materialize_on_demand_session",
      ],
    },
    session_id: { type: "string" },
    create: { type: "object", properties: { model: { type: "string" } } },
    action: {
      type: "object",
      properties: {
        type: { enum: ["prompt", "event"] },
        prompt: { type: "string" },
        event_type: { type: "string" },
        payload: {},
        additional_instructions: { type: "array", items: { type: "string" } },
      },
      required: ["type"],
    },
  },
  required: ["target_kind", "type", "action"],
};

const policiesJson = {
  misfire_policy: {
    type: "object",
    description:
      'What to do with a late occurrence: {"type":"skip"} (30 s grace, recommended) or {"type":"catch_up_within","window_seconds":N}',
  },
  overlap_policy: {
    enum: ["skip_if_running", "allow_concurrent"],
    description: "skip_if_running (recommended) skips a fire while the session runs a turn",
  },
  missing_target_policy: {
    enum: ["mark_misfired", "skip"],
    description: "When the target session is gone (mark_misfired recommended)",
  },
};

const optionalJson = {
  name: { type: "string" },
  description: { type: "string" },
  labels: { type: "object", additionalProperties: { type: "string" } },
  planning_horizon_days: { type: "integer", minimum: 1 },
  planning_horizon_occurrences: { type: "integer", minimum: 1 },
};

export const createToolModelSchema: Record<string, unknown> = {
  type: "object",
  properties: { trigger: triggerJson, target: targetJson, ...policiesJson, ...optionalJson },
  required: ["trigger", "target", "misfire_policy", "overlap_policy", "missing_target_policy"],
  additionalProperties: false,
};

export const updateToolModelSchema: Record<string, unknown> = {
  type: "object",
  properties: {
    schedule_id: { type: "string", description: "The schedule's id (a UUID)." },
    expected_revision: { type: "integer", minimum: 0 },
    trigger: triggerJson,
    target: targetJson,
    ...policiesJson,
    ...optionalJson,
  },
  required: ["schedule_id"],
  additionalProperties: false,
};
