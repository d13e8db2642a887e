import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { findSession } from "@meerkat/shared/db";
import { AppError } from "@meerkat/shared/errors";
import { SessionStream } from "../../streaming/session-stream.js";
import type { StreamRegistry } from "../../streaming/stream-registry.js";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { parseSessionId } from "../session-id.js";
import { errorBodySchema, eventsQuerySchema, sessionIdParamsSchema } from "./sessions.schemas.js";

/** A client further behind than this is disconnected; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

function parseCursor(
  header: string | string[] | undefined,
  query: number | undefined,
): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw !== undefined && raw.trim() !== "") {
    const value = raw.trim();
    // Seqs are safe integers; a larger cursor would round to another one (?after= refuses it too).
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new AppError(
        "BAD_REQUEST",
        `Invalid Last-Event-ID '${value}': expected a non-negative integer up to ${Number.MAX_SAFE_INTEGER}`,
      );
    }
    return Number(value);
  }
  return query;
}

export interface SessionEventRouteOptions {
  heartbeatMs: number;
  streams: StreamRegistry;
}

export function registerSessionEventRoutes(
  root: FastifyInstance,
  deps: ServiceDeps,
  options: SessionEventRouteOptions,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const realmId = deps.realm.realmId;

  app.get(
    "/sessions/:id/events",
    {
      schema: {
        tags: ["sessions"],
        summary: "Server-sent events of a session, resumable with Last-Event-ID or ?after=<seq>",
        description:
          "Starts with `session_loaded` ({session_id, message_count, last_seq}); each event frame has `id: <seq>`. Without a cursor the stream carries events after `last_seq`; with one, every stored event after it exactly once (`resync_required` when it is older than retention). Heartbeat comments keep it open; `done` ends it when the server shuts down.",
        params: sessionIdParamsSchema,
        querystring: eventsQuerySchema,
        response: { 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const id = parseSessionId(request.params.id, realmId);
      const after = parseCursor(request.headers["last-event-id"], request.query.after);
      const session = await findSession(deps.db, realmId, id);
      if (!session) throw new AppError("SESSION_NOT_FOUND", `Session not found: ${id}`);

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-request-id": request.id,
      });
      raw.flushHeaders();
      const stream = new SessionStream({
        db: deps.db,
        hub: deps.hub,
        logger: deps.logger.child({ requestId: request.id }),
        sessionId: id,
        messageCount: session.messageCount,
        after,
        heartbeatMs: options.heartbeatMs,
        write: (frame) => {
          if (raw.destroyed || raw.writableEnded) return false;
          raw.write(frame);
          return raw.writableLength < MAX_BUFFERED_BYTES;
        },
        end: () => {
          if (!raw.writableEnded) raw.end();
        },
      });
      const unregister = options.streams.add(stream);
      raw.once("close", () => {
        stream.close();
        unregister();
      });
      await stream.start();
    },
  );
}
