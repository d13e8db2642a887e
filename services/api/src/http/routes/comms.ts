import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { listPeers, sendComms } from "../../use-cases/comms.js";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { parseSessionId } from "../session-id.js";
import { errorBodySchema } from "./sessions.schemas.js";
import {
  commsPeersQuerySchema,
  commsPeersSchema,
  commsSendResultSchema,
  commsSendSchema,
} from "./comms.schemas.js";

export function registerCommsRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const realmId = deps.realm.realmId;

  app.post(
    "/comms/send",
    {
      schema: {
        tags: ["comms"],
        summary: "Push a comms command into a session (input) or a peer session of the realm",
        body: commsSendSchema,
        response: {
          200: commsSendResultSchema,
          400: errorBodySchema,
          404: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request) =>
      sendComms(deps, {
        ...request.body,
        session_id: parseSessionId(request.body.session_id, realmId),
      }),
  );

  app.get(
    "/comms/peers",
    {
      schema: {
        tags: ["comms"],
        summary: "Peers a session can reach",
        querystring: commsPeersQuerySchema,
        response: { 200: commsPeersSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => ({
      peers: await listPeers(deps, parseSessionId(request.query.session_id, realmId)),
    }),
  );
}
