/**
 * The eight `meerkat_schedule_*` tools (§7.6), shared by the worker (agents call them inside a
 * turn) and the API (GET /schedule/tools, POST /schedule/call), so both offer the same
 * definitions and the same behaviour. Results are the JSON of the service calls.
 */
import type { z } from "zod";
import type { Db } from "../db/client.js";
import { AppError } from "../errors/index.js";
import { deleteSchedule, listOccurrences, pauseSchedule, resumeSchedule } from "./lifecycle.js";
import { createSchedule, getSchedule, listSchedules, updateSchedule } from "./service.js";
import {
  createToolArgsSchema,
  createToolModelSchema,
  listToolArgsSchema,
  occurrencesToolArgsSchema,
  scheduleIdToolArgsSchema,
  toJsonSchema,
  updateToolArgsSchema,
  updateToolModelSchema,
} from "./tool-schemas.js";
import { resolveCurrentSession } from "./current-session.js";

export interface ScheduleToolDefinition {
  name: string;
  description: string;
  /** JSON Schema (draft-07) of the arguments; MCP-style camelCase as on the wire. */
  inputSchema: Record<string, unknown>;
}

export interface ScheduleToolContext {
  now: Date;
  /** The session the calling agent runs in: enables the `current_session` target. */
  currentSessionId?: string | undefined;
  /** The id a created schedule gets (derived from the tool call, so a re-run is idempotent). */
  createId?: string | undefined;
}

interface ScheduleTool<S extends z.ZodType> {
  definition: ScheduleToolDefinition;
  schema: S;
  run(db: Db, realmId: string, args: z.output<S>, context: ScheduleToolContext): Promise<unknown>;
}

function tool<S extends z.ZodType>(
  name: string,
  description: string,
  schema: S,
  run: ScheduleTool<S>["run"],
  /** A compact schema shown to the model instead of the generated one (zod still validates). */
  modelSchema?: Record<string, unknown>,
): ScheduleTool<S> {
  return {
    definition: { name, description, inputSchema: modelSchema ?? toJsonSchema(schema) },
    schema,
    run,
  };
}

const byId = (what: string) =>
  `${what} Arguments: {schedule_id}. Returns the schedule (its phase, revision, trigger, target and policies).`;

const TOOLS = [
  tool(
    "meerkat_schedule_create",
    "Create a schedule that delivers a prompt or an event to a session at the trigger's times " +
      "(once, interval, calendar, or cron with an IANA time zone). Use the target " +
      '{"target_kind":"session","type":"current_session","action":{…}} to wake this session. ' +
      "trigger, target, misfire_policy, overlap_policy and missing_target_policy are required. " +
      "Returns the new schedule.",
    createToolArgsSchema,
    async (db, realmId, args, context) =>
      createSchedule(
        db,
        realmId,
        { ...args, target: resolveCurrentSession(args.target, context.currentSessionId) },
        context.now,
        { id: context.createId },
      ),
    createToolModelSchema,
  ),
  tool(
    "meerkat_schedule_get",
    byId("Read one schedule (deleted ones too)."),
    scheduleIdToolArgsSchema,
    async (db, realmId, args) => getSchedule(db, realmId, args.schedule_id),
  ),
  tool(
    "meerkat_schedule_list",
    "List this realm's schedules that are not deleted, oldest first. Arguments: {}. Returns " +
      "{schedules: [...]}.",
    listToolArgsSchema,
    async (db, realmId) => ({ schedules: await listSchedules(db, realmId) }),
  ),
  tool(
    "meerkat_schedule_update",
    "Change a schedule in place: {schedule_id, expected_revision?, …fields to change}. A " +
      "changed trigger, target or policy makes a new revision and replaces the pending " +
      "occurrences; pass expected_revision (from your last read) to avoid overwriting a " +
      "concurrent change. labels replace the whole map. Returns the schedule.",
    updateToolArgsSchema,
    async (db, realmId, args, context) => {
      const { schedule_id: id, target, ...request } = args;
      const resolved = target && resolveCurrentSession(target, context.currentSessionId);
      return updateSchedule(db, realmId, id, { ...request, target: resolved }, context.now);
    },
    updateToolModelSchema,
  ),
  tool(
    "meerkat_schedule_pause",
    byId("Pause a schedule: nothing new is delivered until it is resumed."),
    scheduleIdToolArgsSchema,
    async (db, realmId, args, context) => pauseSchedule(db, realmId, args.schedule_id, context.now),
  ),
  tool(
    "meerkat_schedule_resume",
    byId("Resume a paused schedule."),
    scheduleIdToolArgsSchema,
    async (db, realmId, args, context) =>
      resumeSchedule(db, realmId, args.schedule_id, context.now),
  ),
  tool(
    "meerkat_schedule_delete",
    byId("Delete a schedule for good (its history stays readable)."),
    scheduleIdToolArgsSchema,
    async (db, realmId, args, context) =>
      deleteSchedule(db, realmId, args.schedule_id, context.now),
  ),
  tool(
    "meerkat_schedule_occurrences",
    "List a schedule's occurrences (planned, delivered, skipped, misfired, …) in due order, " +
      "each with its latest receipt. Arguments: {schedule_id, include_terminal?} " +
      "(include_terminal defaults to true). Returns {occurrences: [...]}.",
    occurrencesToolArgsSchema,
    async (db, realmId, args) => ({
      occurrences: await listOccurrences(db, realmId, args.schedule_id, {
        includeTerminal: args.include_terminal,
      }),
    }),
  ),
] as const;

type AnyTool = ScheduleTool<z.ZodType>;
const BY_NAME = new Map<string, AnyTool>(
  TOOLS.map((entry) => [entry.definition.name, entry as unknown as AnyTool]),
);
const DEFINITIONS: readonly ScheduleToolDefinition[] = TOOLS.map((entry) => entry.definition);

export const SCHEDULE_TOOL_NAMES: readonly string[] = DEFINITIONS.map((entry) => entry.name);

/** The tool definitions (the same objects every call, so validators compile once). */
export function scheduleToolDefinitions(): readonly ScheduleToolDefinition[] {
  return DEFINITIONS;
}

/**
 * Calls a schedule tool: unknown tools and arguments that do not fit the tool's schema are
 * 400s; the service's own errors (404 SCHEDULE_NOT_FOUND, 400 invalid schedule, …) pass
 * through. Missing arguments count as `{}`.
 */
export async function callScheduleTool(
  db: Db,
  realmId: string,
  name: string,
  args: unknown,
  context: ScheduleToolContext,
): Promise<unknown> {
  const entry = BY_NAME.get(name);
  if (!entry) {
    throw new AppError(
      "BAD_REQUEST",
      `Unknown schedule tool '${name}'. Available tools: ${SCHEDULE_TOOL_NAMES.join(", ")}`,
    );
  }
  // The zod schema the JSON Schema was generated from: same rules, and for the nested unions
  // (trigger, target, action) it names the one wrong field rather than every branch's.
  const parsed = entry.schema.safeParse(args ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "$"}: ${issue.message}`,
    );
    throw new AppError("BAD_REQUEST", `Invalid arguments for ${name}: ${issues.join("; ")}`);
  }
  return entry.run(db, realmId, parsed.data, context);
}
