import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { sessionRef } from "@meerkat/shared/domain";
import { awaitRunResult } from "../../use-cases/await-run-result.js";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { askHelp } from "../../use-cases/help.js";
import { abandonRequest, beginRequest } from "../../use-cases/request-tracking.js";
import { clientGoneSignal, prefersAsync } from "../request-signal.js";
import { helpBodySchema } from "./help.schemas.js";
import { errorBodySchema, queuedTurnSchema, runResultSchema } from "./sessions.schemas.js";

export function registerHelpRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/help",
    {
      schema: {
        tags: ["help"],
        summary: "Ask Meerkat usage help with the embedded platform skill",
        description:
          "Runs a tool-less session whose system prompt carries the platform guide and answers its RunResult. Like POST /sessions it honours `Prefer: respond-async` and `X-Meerkat-Request-Id`.",
        body: helpBodySchema,
        response: {
          200: runResultSchema,
          202: queuedTurnSchema,
          400: errorBodySchema,
          409: errorBodySchema,
          422: errorBodySchema,
          499: errorBodySchema,
          500: errorBodySchema,
          502: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const tracked = await beginRequest(deps, request.headers["x-meerkat-request-id"], "help");
      const waitsForResult = !prefersAsync(request);
      const queued = await askHelp(deps, request.body, { tracked, waitsForResult }).catch(
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
          .send({
            session_id: queued.sessionId,
            session_ref: sessionRef(deps.realm.realmId, queued.sessionId),
            turn_id: queued.turnId,
            status: "queued" as const,
          });
      }
      return awaitRunResult(deps, queued, clientGoneSignal(reply), { created: true });
    },
  );
}
