import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  archiveSession,
  findActiveTurn,
  findSession,
  listMessages,
  listSessions,
} from "@meerkat/shared/db";
import { sessionRef } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { stopActiveTurn, waitForTurnEnd } from "../../use-cases/stop-turn.js";
import { parseSessionId } from "../session-id.js";
import {
  archivedSchema,
  errorBodySchema,
  interruptedSchema,
  sessionStatusSchema,
  historyQuerySchema,
  historySchema,
  listSessionsQuerySchema,
  sessionIdParamsSchema,
  sessionListSchema,
} from "./sessions.schemas.js";

const DEFAULT_LIST_LIMIT = 100;
/** How long an interrupt waits for the turn to end, so the session is idle when it answers. */
const INTERRUPT_WAIT_MS = 5_000;

/**
 * `label=key=value` filters, all of which must match. Undefined when two of them want different
 * values for one key: no session can match them all.
 */
function parseLabelFilters(raw: string | string[] | undefined): Record<string, string> | undefined {
  const filters = new Map<string, string>();
  let satisfiable = true;
  for (const pair of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new AppError("BAD_REQUEST", `malformed label filter, expected key=value: ${pair}`);
    }
    // Postgres cannot hold U+0000 in jsonb, and no stored label contains it.
    if (pair.includes("\u0000")) {
      throw new AppError("BAD_REQUEST", "malformed label filter: it must not contain U+0000");
    }
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (filters.has(key) && filters.get(key) !== value) satisfiable = false;
    filters.set(key, value);
  }
  return satisfiable ? Object.fromEntries(filters) : undefined;
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function registerSessionReadRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const realmId = deps.realm.realmId;

  async function liveSession(rawId: string) {
    const id = parseSessionId(rawId, realmId);
    const session = await findSession(deps.db, realmId, id);
    if (!session) throw new AppError("SESSION_NOT_FOUND", `Session not found: ${id}`);
    return session;
  }

  app.get(
    "/sessions",
    {
      schema: {
        tags: ["sessions"],
        summary: "List sessions (most recently updated first)",
        querystring: listSessionsQuerySchema,
        response: { 200: sessionListSchema, 400: errorBodySchema },
      },
    },
    async (request) => {
      const labels = parseLabelFilters(request.query.label);
      if (!labels) return { sessions: [] };
      const rows = await listSessions(deps.db, {
        realmId,
        labels,
        limit: request.query.limit ?? DEFAULT_LIST_LIMIT,
        offset: request.query.offset ?? 0,
      });
      return {
        sessions: rows.map((row) => ({
          session_id: row.id,
          session_ref: sessionRef(realmId, row.id),
          created_at: unixSeconds(row.createdAt),
          updated_at: unixSeconds(row.updatedAt),
          message_count: row.messageCount,
          total_tokens: row.inputTokens + row.outputTokens,
          is_active: row.isActive,
          state: row.isActive ? ("running" as const) : ("idle" as const),
          ...(Object.keys(row.labels).length > 0 ? { labels: row.labels } : {}),
        })),
      };
    },
  );

  app.get(
    "/sessions/:id/status",
    {
      schema: {
        tags: ["sessions"],
        summary: "Runtime state of a session",
        params: sessionIdParamsSchema,
        response: { 200: sessionStatusSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const session = await liveSession(request.params.id);
      const active = await findActiveTurn(deps.db, session.id);
      return { state: active ? ("running" as const) : ("idle" as const) };
    },
  );

  app.get(
    "/sessions/:id/history",
    {
      schema: {
        tags: ["sessions"],
        summary: "Committed transcript, oldest first (archived sessions stay readable)",
        params: sessionIdParamsSchema,
        querystring: historyQuerySchema,
        response: { 200: historySchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const id = parseSessionId(request.params.id, realmId);
      const session = await findSession(deps.db, realmId, id, { includeArchived: true });
      if (!session) throw new AppError("SESSION_NOT_FOUND", `Session not found: ${id}`);
      const count = session.messageCount;
      const offset = Math.min(request.query.offset ?? 0, count);
      const limit = request.query.limit;
      const end = limit === undefined ? count : Math.min(offset + limit, count);
      const rows = end > offset ? await listMessages(deps.db, id, offset, end - offset) : [];
      return {
        session_id: id,
        session_ref: sessionRef(realmId, id),
        message_count: count,
        offset,
        limit: limit ?? null,
        has_more: end < count,
        messages: rows.map((row) => ({ ...row.body, created_at: row.createdAt.toISOString() })),
      };
    },
  );

  app.delete(
    "/sessions/:id",
    {
      schema: {
        tags: ["sessions"],
        summary: "Archive a session (it then answers 404; its history stays readable)",
        params: sessionIdParamsSchema,
        response: { 200: archivedSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const id = parseSessionId(request.params.id, realmId);
      if (!(await archiveSession(deps.db, realmId, id))) {
        throw new AppError("SESSION_NOT_FOUND", `Session not found: ${id}`);
      }
      await stopActiveTurn(deps, { sessionId: id }, "interrupt");
      return { session_id: id, archived: true as const };
    },
  );

  app.post(
    "/sessions/:id/interrupt",
    {
      schema: {
        tags: ["sessions"],
        summary: "Interrupt the in-flight turn (a no-op when the session is idle)",
        params: sessionIdParamsSchema,
        response: { 200: interruptedSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const session = await liveSession(request.params.id);
      const stopped = await stopActiveTurn(deps, { sessionId: session.id }, "interrupt");
      if (stopped) await waitForTurnEnd(deps, stopped.turnId, INTERRUPT_WAIT_MS);
      return { session_id: session.id, interrupted: true as const };
    },
  );
}
