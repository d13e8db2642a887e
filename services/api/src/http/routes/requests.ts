import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { archiveSession, cancelRequest } from "@meerkat/shared/db";
import { AppError } from "@meerkat/shared/errors";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { stopActiveTurn, waitForTurnEnd } from "../../use-cases/stop-turn.js";
import { errorBodySchema } from "./sessions.schemas.js";

const CANCEL_WAIT_MS = 5_000;

const cancelResultSchema = z.object({
  request_id: z.string(),
  cancelled: z.boolean(),
  reason: z.literal("already_terminal").optional(),
});

export function registerRequestRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/requests/:request_id/cancel",
    {
      schema: {
        tags: ["requests"],
        summary: "Cancel an uncommitted request that sent X-Meerkat-Request-Id",
        description:
          "Works from any API replica. Uncommitted work is cancelled (the waiting request answers 499); a request whose turn already committed reports `already_terminal` and is never rewritten.",
        params: z.object({ request_id: z.string().min(1) }),
        response: { 200: cancelResultSchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const requestId = request.params.request_id;
      const notFound = () => new AppError("NOT_FOUND", `request not found: ${requestId}`);
      // No header value holds U+0000 (nor can Postgres compare one), so no such request exists.
      if (requestId.includes("\u0000")) throw notFound();
      const cancelled = await cancelRequest(deps.db, deps.realm.realmId, requestId);
      if (cancelled.outcome === "not_found") throw notFound();
      if (cancelled.outcome === "already_terminal") {
        return { request_id: requestId, cancelled: false, reason: "already_terminal" as const };
      }
      const { row } = cancelled;
      if (row.turnId) {
        const stopped = await stopActiveTurn(deps, { turnId: row.turnId }, "cancel");
        if (stopped) await waitForTurnEnd(deps, stopped.turnId, CANCEL_WAIT_MS);
      }
      // A create cancelled before it committed anything leaves no session behind.
      if (row.kind === "create" && row.sessionId) {
        await archiveSession(deps.db, deps.realm.realmId, row.sessionId);
      }
      return { request_id: requestId, cancelled: true };
    },
  );
}
