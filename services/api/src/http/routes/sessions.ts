import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { findActiveTurn, findSession } from "@meerkat/shared/db";
import { sessionRef } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import { awaitRunResult } from "../../use-cases/await-run-result.js";
import { continueSession } from "../../use-cases/continue-session.js";
import { createSession, type QueuedTurn } from "../../use-cases/create-session.js";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { abandonRequest, beginRequest } from "../../use-cases/request-tracking.js";
import { clientGoneSignal, prefersAsync } from "../request-signal.js";
import { parseSessionId } from "../session-id.js";
import {
  continueSessionBodySchema,
  createSessionBodySchema,
  errorBodySchema,
  queuedTurnSchema,
  runResultSchema,
  sessionDetailsSchema,
  sessionIdParamsSchema,
} from "./sessions.schemas.js";

const ERROR_RESPONSES = {
  400: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  499: errorBodySchema,
  500: errorBodySchema,
  502: errorBodySchema,
};

export function registerSessionRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const realmId = deps.realm.realmId;

  const queuedBody = (queued: QueuedTurn) => ({
    session_id: queued.sessionId,
    session_ref: sessionRef(realmId, queued.sessionId),
    turn_id: queued.turnId,
    status: "queued" as const,
  });

  app.post(
    "/sessions",
    {
      schema: {
        tags: ["sessions"],
        summary: "Create a session and run its first turn",
        description:
          "Waits for the turn and returns its RunResult. With `Prefer: respond-async` it answers 202 as soon as the turn is durably queued.",
        body: createSessionBodySchema,
        response: { 200: runResultSchema, 202: queuedTurnSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const tracked = await beginRequest(deps, request.headers["x-meerkat-request-id"], "create");
      const waitsForResult = !prefersAsync(request);
      const queued = await createSession(deps, request.body, { tracked, waitsForResult }).catch(
        async (error: unknown) => {
          await abandonRequest(deps, tracked);
          throw error;
        },
      );
      if (!waitsForResult) {
        return reply
          .code(202)
          .header("preference-applied", "respond-async")
          .header("location", `/sessions/${queued.sessionId}`)
          .send(queuedBody(queued));
      }
      return awaitRunResult(deps, queued, clientGoneSignal(reply), { created: true });
    },
  );

  app.post(
    "/sessions/:id/messages",
    {
      schema: {
        tags: ["sessions"],
        summary: "Continue a session",
        body: continueSessionBodySchema,
        params: sessionIdParamsSchema,
        response: { 200: runResultSchema, 202: queuedTurnSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const pathId = parseSessionId(request.params.id, realmId);
      const bodyId = parseSessionId(request.body.session_id, realmId);
      if (pathId !== bodyId) {
        throw new AppError("BAD_REQUEST", `Session ID mismatch: path=${pathId} body=${bodyId}`);
      }
      const tracked = await beginRequest(deps, request.headers["x-meerkat-request-id"], "continue");
      const waitsForResult = !prefersAsync(request);
      const queued = await continueSession(deps, pathId, request.body, {
        tracked,
        waitsForResult,
      }).catch(async (error: unknown) => {
        await abandonRequest(deps, tracked);
        throw error;
      });
      if (!waitsForResult) {
        return reply
          .code(202)
          .header("preference-applied", "respond-async")
          .send(queuedBody(queued));
      }
      return awaitRunResult(deps, queued, clientGoneSignal(reply), { created: false });
    },
  );

  app.get(
    "/sessions/:id",
    {
      schema: {
        tags: ["sessions"],
        summary: "Session metadata and usage",
        params: sessionIdParamsSchema,
        response: { 200: sessionDetailsSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const id = parseSessionId(request.params.id, realmId);
      const session = await findSession(deps.db, realmId, id);
      if (!session) throw new AppError("SESSION_NOT_FOUND", `Session not found: ${id}`);
      const active = await findActiveTurn(deps.db, id);
      const labels = session.labels;
      return {
        session_id: session.id,
        session_ref: sessionRef(realmId, session.id),
        created_at: session.createdAt.toISOString(),
        updated_at: session.updatedAt.toISOString(),
        message_count: session.messageCount,
        total_tokens: session.inputTokens + session.outputTokens,
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
        is_active: active !== undefined,
        model: session.model,
        provider: session.provider,
        last_assistant_text: session.lastAssistantText,
      };
    },
  );
}
