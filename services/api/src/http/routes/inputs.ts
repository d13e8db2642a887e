import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { stageSystemContext } from "@meerkat/shared/db";
import { newId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import { admitToInbox, checkIdempotencyKey } from "../../use-cases/admit-input.js";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { externalEventNotice, parseExternalEventBody } from "../../use-cases/external-event.js";
import { parseSessionId } from "../session-id.js";
import { createWebhookSecretCheck } from "../webhook-secret.js";
import { errorBodySchema, sessionIdParamsSchema } from "./sessions.schemas.js";
import {
  peerResponseTerminalSchema,
  queuedSchema,
  systemContextBodySchema,
  systemContextResultSchema,
} from "./inputs.schemas.js";

const ERRORS = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
  503: errorBodySchema,
};

function headerValue(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw !== undefined && raw.trim() !== "" ? raw.trim() : undefined;
}

/** The request's Idempotency-Key header, when it has one (400 when it is too long). */
function idempotencyHeader(request: FastifyRequest): string | undefined {
  return checkIdempotencyKey(headerValue(request.headers["idempotency-key"]), "Idempotency-Key");
}

export function registerInputRoutes(
  root: FastifyInstance,
  deps: ServiceDeps,
  options: { webhookSecret: string | undefined },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const realmId = deps.realm.realmId;
  const checkSecret = createWebhookSecretCheck(options.webhookSecret);
  // The secret is checked first, before the body is parsed or validated: a caller without it
  // learns nothing about the request it sent (401, not a 400 listing what was wrong).
  const requireSecret: onRequestHookHandler = (request, _reply, done) => {
    try {
      checkSecret(request.headers["x-webhook-secret"]);
    } catch (error) {
      done(error as AppError);
      return;
    }
    done();
  };

  app.post(
    "/sessions/:id/external-events",
    {
      schema: {
        tags: ["inputs"],
        summary: "Queue an external event (webhook) in the session's inbox",
        description:
          'Body: the typed envelope `{kind:"generic_json", event_type, payload, blocks?}` or any JSON (a `webhook` event). 202 once the event is durably queued; an idle session wakes and runs a turn. `Idempotency-Key` (or the envelope\'s `source_event_id`) deduplicates.',
        params: sessionIdParamsSchema,
        body: z.unknown(),
        response: { 202: queuedSchema, ...ERRORS },
      },
      onRequest: requireSecret,
      // No body is no event: an empty body is not JSON (`null` is, and is a webhook payload).
      // Validation turns a missing body into null, so this runs before it.
      preValidation: (request, _reply, done) => {
        if (request.body === undefined) {
          done(new AppError("BAD_REQUEST", "Request body is required: the event as JSON"));
        } else done();
      },
    },
    async (request, reply) => {
      const sessionId = parseSessionId(request.params.id, realmId);
      const event = parseExternalEventBody(request.body);
      await admitToInbox(deps, {
        sessionId,
        kind: "external_event",
        source: `external:${event.eventType}`,
        handlingMode: "queue",
        idempotencyKey: idempotencyHeader(request) ?? event.sourceEventId,
        notice: externalEventNotice(event),
        wake: true,
      });
      return reply.code(202).send({ queued: true as const });
    },
  );

  app.post(
    "/sessions/:id/peer-response-terminal",
    {
      schema: {
        tags: ["inputs"],
        summary: "Queue a typed terminal peer response (wakes the session)",
        params: sessionIdParamsSchema,
        body: peerResponseTerminalSchema,
        response: { 202: queuedSchema, ...ERRORS },
      },
      onRequest: requireSecret,
    },
    async (request, reply) => {
      const sessionId = parseSessionId(request.params.id, realmId);
      const body = request.body;
      const who = body.display_name ?? body.peer_id;
      const summary = `Peer ${who} ${body.status} request ${body.request_id}`;
      await admitToInbox(deps, {
        sessionId,
        kind: "peer_response_terminal",
        source: `peer:${body.peer_id}`,
        handlingMode: "queue",
        idempotencyKey: idempotencyHeader(request) ?? `peer-terminal:${body.request_id}`,
        notice: {
          body: `${summary}\nresult:\n${JSON.stringify(body.result, null, 2)}`,
          blocks: [
            {
              type: "comms",
              kind: "peer_response_terminal",
              peer_id: body.peer_id,
              ...(body.display_name ? { display_name: body.display_name } : {}),
              request_id: body.request_id,
              status: body.status,
              result: body.result,
            },
          ],
        },
        wake: true,
      });
      return reply.code(202).send({ queued: true as const });
    },
  );

  app.post(
    "/sessions/:id/system_context",
    {
      schema: {
        tags: ["inputs"],
        summary: "Stage runtime system context for the next turn",
        params: sessionIdParamsSchema,
        body: systemContextBodySchema,
        response: {
          200: systemContextResultSchema,
          400: errorBodySchema,
          404: errorBodySchema,
          409: errorBodySchema,
        },
      },
    },
    async (request) => {
      const sessionId = parseSessionId(request.params.id, realmId);
      const text = request.body.text.trim();
      if (text === "") throw new AppError("BAD_REQUEST", "system context text must not be empty");
      const key = request.body.idempotency_key ?? undefined;
      const staged = await stageSystemContext(deps.db, {
        id: newId(),
        realmId,
        sessionId,
        text,
        source: request.body.source ?? null,
        idempotencyKey: key,
      });
      switch (staged.outcome) {
        case "not_found":
          throw new AppError("SESSION_NOT_FOUND", `Session not found: ${sessionId}`);
        case "conflict":
          throw new AppError(
            "CONFLICT",
            `system-context idempotency conflict for key '${key ?? ""}'`,
          );
        case "duplicate":
          return { session_id: sessionId, status: "duplicate" as const };
        case "staged":
          return { session_id: sessionId, status: "staged" as const };
      }
    },
  );
}
