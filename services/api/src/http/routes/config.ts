import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  patchConfig,
  readConfig,
  replaceConfig,
  type ConfigContext,
} from "../../use-cases/config.js";
import type { ServiceDeps } from "../../use-cases/deps.js";
import {
  configEnvelopeSchema,
  patchConfigBodySchema,
  setConfigBodySchema,
} from "./config.schemas.js";
import { errorBodySchema } from "./sessions.schemas.js";

const RESPONSES = { 200: configEnvelopeSchema, 400: errorBodySchema, 500: errorBodySchema };

export function registerConfigRoutes(
  root: FastifyInstance,
  deps: ServiceDeps,
  context: ConfigContext,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/config",
    {
      schema: {
        tags: ["config"],
        summary: "Read the realm config",
        description: "Read from Postgres on every call: every replica answers the same generation.",
        response: RESPONSES,
      },
    },
    () => readConfig(deps, context),
  );

  app.put(
    "/config",
    {
      schema: {
        tags: ["config"],
        summary: "Replace the realm config",
        description:
          "Validated, then stored normalised; generation +1. A stale `expected_generation` is 400 `Generation conflict: …` and changes nothing.",
        body: setConfigBodySchema,
        response: RESPONSES,
      },
    },
    (request) => replaceConfig(deps, context, request.body),
  );

  app.patch(
    "/config",
    {
      schema: {
        tags: ["config"],
        summary: "Merge-patch the realm config (RFC 7396)",
        description:
          "Applied to the current config and validated before it is written. Without `expected_generation` a concurrent write is merged onto (retried), never lost; with a stale one it is 400 `Generation conflict: …`.",
        body: patchConfigBodySchema,
        response: { ...RESPONSES, 409: errorBodySchema },
      },
    },
    (request) => patchConfig(deps, context, request.body),
  );
}
