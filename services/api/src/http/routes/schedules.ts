import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listOccurrences,
  listSchedules,
  pauseSchedule,
  previewSchedule,
  resumeSchedule,
  scheduleToolDefinitions,
  triggerNow,
  updateSchedule,
} from "@meerkat/shared/schedules";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { callScheduleToolDirect, parseLabelFilters } from "../../use-cases/schedules.js";
import { errorBodySchema } from "./sessions.schemas.js";
import {
  createScheduleRequestSchema,
  listSchedulesQuerySchema,
  occurrenceListSchema,
  occurrenceSchema,
  occurrencesQuerySchema,
  previewRequestSchema,
  previewResponseSchema,
  scheduleIdParamsSchema,
  scheduleListSchema,
  scheduleSchema,
  scheduleToolCallSchema,
  scheduleToolsSchema,
  toolResultSchema,
  updateScheduleRequestSchema,
} from "./schedules.schemas.js";

const ERRORS = { 400: errorBodySchema, 404: errorBodySchema, 500: errorBodySchema };

/** Schedules (§7.3), their tools (§7.6), and two additions: preview and trigger-now. */
export function registerScheduleRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const realmId = deps.realm.realmId;
  const tags = ["schedules"];

  app.post(
    "/schedules",
    {
      schema: {
        tags,
        summary: "Create a schedule (active, revision 1, its horizon planned)",
        body: createScheduleRequestSchema,
        response: { 200: scheduleSchema, 501: errorBodySchema, ...ERRORS },
      },
    },
    async (request) => createSchedule(deps.db, realmId, request.body, new Date()),
  );

  app.get(
    "/schedules",
    {
      schema: {
        tags,
        summary: "List schedules that are not deleted, oldest first",
        querystring: listSchedulesQuerySchema,
        response: { 200: scheduleListSchema, 400: errorBodySchema },
      },
    },
    async (request) => ({
      schedules: await listSchedules(deps.db, realmId, {
        labels: parseLabelFilters(request.query.labels, request.query.label),
        limit: request.query.limit,
        offset: request.query.offset,
      }),
    }),
  );

  app.post(
    "/schedules/preview",
    {
      schema: {
        tags,
        summary: "The next fire times of a trigger, with daylight-saving notes (stores nothing)",
        body: previewRequestSchema,
        response: { 200: previewResponseSchema, 400: errorBodySchema },
      },
    },
    (request) => previewSchedule(request.body, new Date()),
  );

  app.get(
    "/schedules/:id",
    {
      schema: {
        tags,
        summary: "Fetch one schedule (deleted ones too)",
        params: scheduleIdParamsSchema,
        response: { 200: scheduleSchema, ...ERRORS },
      },
    },
    async (request) => getSchedule(deps.db, realmId, request.params.id),
  );

  app.patch(
    "/schedules/:id",
    {
      schema: {
        tags,
        summary: "Update a schedule (a changed trigger, target or policy makes a new revision)",
        params: scheduleIdParamsSchema,
        body: updateScheduleRequestSchema,
        response: { 200: scheduleSchema, 501: errorBodySchema, ...ERRORS },
      },
    },
    async (request) =>
      updateSchedule(deps.db, realmId, request.params.id, request.body, new Date()),
  );

  app.delete(
    "/schedules/:id",
    {
      schema: {
        tags,
        summary: "Delete a schedule (idempotent; its history stays readable)",
        params: scheduleIdParamsSchema,
        response: { 200: scheduleSchema, ...ERRORS },
      },
    },
    async (request) => deleteSchedule(deps.db, realmId, request.params.id, new Date()),
  );

  app.post(
    "/schedules/:id/pause",
    {
      schema: {
        tags,
        summary: "Pause a schedule (idempotent)",
        params: scheduleIdParamsSchema,
        response: { 200: scheduleSchema, ...ERRORS },
      },
    },
    async (request) => pauseSchedule(deps.db, realmId, request.params.id, new Date()),
  );

  app.post(
    "/schedules/:id/resume",
    {
      schema: {
        tags,
        summary: "Resume a schedule and plan its horizon (idempotent)",
        params: scheduleIdParamsSchema,
        response: { 200: scheduleSchema, ...ERRORS },
      },
    },
    async (request) => resumeSchedule(deps.db, realmId, request.params.id, new Date()),
  );

  app.post(
    "/schedules/:id/trigger",
    {
      schema: {
        tags,
        summary: "Add one occurrence due now (the scheduler delivers it like any other)",
        params: scheduleIdParamsSchema,
        response: { 200: occurrenceSchema, ...ERRORS },
      },
    },
    async (request) => triggerNow(deps.db, realmId, request.params.id, new Date()),
  );

  app.get(
    "/schedules/:id/occurrences",
    {
      schema: {
        tags,
        summary: "List a schedule's occurrences by (due, revision, ordinal)",
        params: scheduleIdParamsSchema,
        querystring: occurrencesQuerySchema,
        response: { 200: occurrenceListSchema, ...ERRORS },
      },
    },
    async (request) => ({
      occurrences: await listOccurrences(deps.db, realmId, request.params.id, {
        includeTerminal: request.query.include_terminal !== "false",
      }),
    }),
  );

  app.get(
    "/schedule/tools",
    {
      schema: {
        tags,
        summary: "The schedule tools agents get (MCP-style definitions)",
        response: { 200: scheduleToolsSchema },
      },
    },
    () => ({ tools: [...scheduleToolDefinitions()] }),
  );

  app.post(
    "/schedule/call",
    {
      schema: {
        tags,
        summary: "Call a schedule tool directly; answers the tool's raw result",
        body: scheduleToolCallSchema,
        response: { 200: toolResultSchema, 501: errorBodySchema, ...ERRORS },
      },
    },
    async (request) =>
      callScheduleToolDirect(deps, request.body.name, request.body.arguments ?? null),
  );
}
