import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "@meerkat/shared/observability";
import { newId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import { installApiKeyAuth } from "./http/api-keys.js";
import { installErrorHandling } from "./http/error-handler.js";
import { registerConfigRoutes } from "./http/routes/config.js";
import { registerCommsRoutes } from "./http/routes/comms.js";
import { registerHealthRoutes } from "./http/routes/health.js";
import { registerHelpRoutes } from "./http/routes/help.js";
import { registerInputRoutes } from "./http/routes/inputs.js";
import { registerRequestRoutes } from "./http/routes/requests.js";
import { registerHostRoutes } from "./http/routes/host.js";
import { registerRealmRoutes } from "./http/routes/realms.js";
import { registerScheduleRoutes } from "./http/routes/schedules.js";
import { registerSessionEventRoutes } from "./http/routes/session-events.js";
import { registerSessionReadRoutes } from "./http/routes/session-reads.js";
import { registerSessionRoutes } from "./http/routes/sessions.js";
import { registerSkillRoutes } from "./http/routes/skills.js";
import { StreamRegistry } from "./streaming/stream-registry.js";
import type { ResolvedPaths } from "./use-cases/config.js";
import type { ServiceDeps } from "./use-cases/deps.js";

export interface AppOptions {
  logger: Logger;
  bodyLimitBytes: number;
  apiKeys: readonly string[];
  version: string;
  isReady: () => Promise<boolean>;
  /** Pings Redis for GET /runtime/health. */
  pingRedis: () => Promise<unknown>;
  /** `--expose-paths`: what GET/PUT/PATCH /config report as `resolved_paths` (else null). */
  resolvedPaths?: ResolvedPaths | null;
  /** RKAT_WEBHOOK_SECRET: checked on the external-event routes; undefined disables the check. */
  webhookSecret?: string | undefined;
  /** Interval of SSE heartbeat comments (ms). */
  sseHeartbeatMs: number;
}

function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([key, item]) => key.includes("\u0000") || containsNul(item));
  }
  return false;
}

/**
 * JSON bodies go through fastify's own parser (its prototype-poisoning checks included), with
 * two differences: an empty body is no body (clients send `Content-Type: application/json` on
 * DELETE and on POSTs that take none; a route that needs a body then says it is required), and a
 * string holding U+0000 is refused with 400, since Postgres can store it in neither text nor
 * jsonb.
 */
function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    void parse(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
      } else if (text.includes("\\u0000") && containsNul(value)) {
        done(
          new AppError(
            "BAD_REQUEST",
            "Request body must not contain the NUL character (\\u0000): it cannot be stored",
          ),
          undefined,
        );
      } else {
        done(null, value);
      }
    });
  });
}

/**
 * Builds the HTTP app without listening: main.ts listens, tests use `inject` or `listen(0)`.
 * Request schemas are zod: the same schemas validate input and generate /openapi.json.
 */
export async function buildApp(deps: ServiceDeps, options: AppOptions): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = options.logger;
  const app: FastifyInstance = Fastify({
    loggerInstance: logger,
    bodyLimit: options.bodyLimitBytes,
    requestIdHeader: "x-request-id",
    genReqId: () => newId(),
    // Requests are not logged one by one (errors are, once, in the error handler).
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  // The API speaks JSON only: a text/plain body is refused (400) rather than taken as a string.
  app.removeContentTypeParser("text/plain");
  installJsonParser(app);
  app.setValidatorCompiler(validatorCompiler);
  // Responses are documented by schema but not re-validated at runtime (that costs CPU per reply).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook("onSend", async (request, reply) => {
    void reply.header("x-request-id", request.id);
  });
  installErrorHandling(app);
  installApiKeyAuth(app, options.apiKeys);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Meerkat agent runtime",
        version: options.version,
        description: "REST API for running LLM agent sessions (Meerkat contract 0.6.6).",
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());

  registerHealthRoutes(app, { isReady: options.isReady });
  registerSessionRoutes(app, deps);
  registerSessionReadRoutes(app, deps);
  const streams = new StreamRegistry();
  registerSessionEventRoutes(app, deps, { heartbeatMs: options.sseHeartbeatMs, streams });
  registerHostRoutes(app, deps, { version: options.version, pingRedis: options.pingRedis });
  registerConfigRoutes(app, deps, { resolvedPaths: options.resolvedPaths ?? null });
  registerRealmRoutes(app, deps);
  registerSkillRoutes(app, deps);
  registerHelpRoutes(app, deps);
  registerInputRoutes(app, deps, { webhookSecret: options.webhookSecret });
  registerRequestRoutes(app, deps);
  registerCommsRoutes(app, deps);
  registerScheduleRoutes(app, deps);
  // Open SSE streams would hold the server open: end each with a final `done` first.
  app.addHook("preClose", async () => {
    streams.finishAll();
    await Promise.resolve();
  });
  return app;
}
