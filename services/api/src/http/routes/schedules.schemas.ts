/**
 * Request and response schemas of the schedule routes. The wire types themselves live in
 * @meerkat/shared/schedules (the worker's tools use them too); this file adds the HTTP-only
 * shapes: path and query parameters, list envelopes and the tool-call body.
 */
import { z } from "zod";
import { occurrenceSchema, scheduleSchema } from "@meerkat/shared/schedules";
import { queryInteger } from "./sessions.schemas.js";

export {
  createScheduleRequestSchema,
  occurrenceSchema,
  previewRequestSchema,
  previewResponseSchema,
  scheduleSchema,
  updateScheduleRequestSchema,
} from "@meerkat/shared/schedules";

export const scheduleIdParamsSchema = z.object({ id: z.string().min(1) });

const repeatable = z.union([z.string(), z.array(z.string())]);

export const listSchedulesQuerySchema = z.object({
  /** Repeatable `labels=key=value` (as the SDK names it); every pair must match. */
  labels: repeatable.optional(),
  /** Repeatable `label=key=value`, as GET /sessions takes it. */
  label: repeatable.optional(),
  limit: queryInteger(1, 1_000).optional(),
  offset: queryInteger(0, Number.MAX_SAFE_INTEGER).optional(),
});

export const occurrencesQuerySchema = z.object({
  include_terminal: z
    .enum(["true", "false"])
    .optional()
    .describe("false lists only pending and in-flight occurrences (default true)."),
});

export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema) });
export const occurrenceListSchema = z.object({ occurrences: z.array(occurrenceSchema) });

export const scheduleToolsSchema = z.object({
  tools: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      inputSchema: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const scheduleToolCallSchema = z.object({
  name: z.string().min(1),
  arguments: z.unknown().optional(),
});

export const toolResultSchema = z.unknown().describe("The tool's result JSON.");
