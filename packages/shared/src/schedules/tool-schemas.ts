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
