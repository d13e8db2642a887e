import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { getRealmConnectionSet, listRealmSummaries } from "../../use-cases/realms.js";
import { realmConnectionSetSchema, realmIdParamsSchema, realmListSchema } from "./host.schemas.js";
import { errorBodySchema } from "./sessions.schemas.js";

export function registerRealmRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/realms",
    {
      schema: {
        tags: ["realms"],
        summary: "List the realms stored in this deployment's database",
        response: { 200: realmListSchema, 500: errorBodySchema },
      },
    },
    async () => ({ realms: await listRealmSummaries(deps) }),
  );

  app.get(
    "/realms/:id",
    {
      schema: {
        tags: ["realms"],
        summary: "Read one realm's connection set",
        params: realmIdParamsSchema,
        response: {
          200: realmConnectionSetSchema,
          400: errorBodySchema,
          404: errorBodySchema,
          500: errorBodySchema,
        },
      },
    },
    (request) => getRealmConnectionSet(deps, request.params.id),
  );
}
