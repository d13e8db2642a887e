import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyBodyParser,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "@meerkat/shared/observability";
import { newId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import { installApiKeyAuth } from "./http/api-keys.js";
import { installDrainResponse, installErrorHandling, sendError } from "./http/error-handler.js";
import { installMethodNotAllowed } from "./http/method-not-allowed.js";
import { MAX_PARAM_LENGTH } from "./http/path-limits.js";
import { installBodyEncodingChecks, JSON_SUFFIX_TYPE } from "./http/request-body.js";
import { installRequestIdCheck } from "./http/request-id.js";
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

/** Deeper bodies are refused: serialising them overflows the stack and jsonb refuses them. */
const MAX_JSON_DEPTH = 256;
/** Escapes that may decode to a NUL or to a lone UTF-16 surrogate (only then are strings read). */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(text: string): string | undefined {
  if (text.includes("\u0000")) {
    return "Request body must not contain the NUL character (\\u0000): it cannot be stored";
  }
  if (LONE_SURROGATE.test(text)) {
    return "Request body must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff): it cannot be stored";
  }
  return undefined;
}

/**
 * Why a parsed body cannot be stored, if it cannot: nesting deeper than MAX_JSON_DEPTH, or
 * (when `checkStrings`) a key or string holding U+0000 or an unpaired surrogate, which Postgres
 * stores in neither text nor jsonb. Iterative, so no body can overflow the stack here.
 */
function bodyProblem(value: unknown, checkStrings: boolean): string | undefined {
  const pending: { item: unknown; depth: number }[] = [{ item: value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { item, depth } = next;
    if (typeof item === "string") {
      const problem = checkStrings ? stringProblem(item) : undefined;
      if (problem) return problem;
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) {
      return `Request body is nested too deeply (more than ${MAX_JSON_DEPTH} levels of objects and arrays)`;
    }
    if (Array.isArray(item)) {
      for (const child of item as unknown[]) pending.push({ item: child, depth: depth + 1 });
      continue;
    }
    for (const [key, child] of Object.entries(item)) {
      const problem = checkStrings ? stringProblem(key) : undefined;
      if (problem) return problem;
      pending.push({ item: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * JSON bodies (`application/json` and the `+json` types) go through fastify's own parser (its
 * prototype-poisoning checks included), with two differences: an empty body is no body (clients
 * send `Content-Type: application/json` on DELETE and on POSTs that take none; a route that
 * needs a body then says it is required), and
 * a body that cannot be stored is refused with 400: a string holding U+0000 or an unpaired
 * surrogate (Postgres takes them in neither text nor jsonb), or nesting deeper than
 * MAX_JSON_DEPTH levels.
 */
function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  const parseJson: FastifyBodyParser<string> = (request, text, done) => {
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    void parse(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const checkStrings = SUSPECT_ESCAPE.test(text);
      // Nesting deeper than the limit takes at least two characters a level.
      const problem =
        checkStrings || text.length > 2 * MAX_JSON_DEPTH
          ? bodyProblem(value, checkStrings)
          : undefined;
      if (problem) done(new AppError("BAD_REQUEST", problem), undefined);
      else done(null, value);
    });
  };
  app.addContentTypeParser("application/json", { parseAs: "string" }, parseJson);
  app.addContentTypeParser(JSON_SUFFIX_TYPE, { parseAs: "string" }, parseJson);
}

/**
 * A path the router cannot take (bad percent-encoding, a parameter longer than
 * MAX_PARAM_LENGTH) is a 400 with the contract's error body, like any other bad request
 * (fastify would answer its own body, and 414 for the long parameter).
 */
function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH" || error.code === "FST_ERR_BAD_URL") {
    const message =
      error.code === "FST_ERR_BAD_URL"
        ? "Invalid request path: bad percent-encoding"
        : `Invalid request path: a path parameter is longer than ${MAX_PARAM_LENGTH} characters`;
    void sendError(reply, new AppError("BAD_REQUEST", message));
    return;
  }
  request.log.error({ err: error }, "unexpected error");
  void sendError(reply, new AppError("INTERNAL_ERROR", "Internal server error"));
}

/**
 * A request Node's HTTP parser refuses before fastify sees it (a malformed request line or
 * header, headers over the server's limit, a request too slow to arrive) gets the contract's
 * error body and the connection is closed (fastify would answer its own body, without `code`).
 */
function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? ([431, "REQUEST_HEADERS_TOO_LARGE", "Request headers are too large"] as const)
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? ([408, "REQUEST_TIMEOUT", "The request did not arrive in time"] as const)
        : ([400, "BAD_REQUEST", "Malformed HTTP request"] as const);
  const body = JSON.stringify({ error: message, code });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "Connection: close\r\n" +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
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
    // Requests during the drain get the contract's 503 body instead (installDrainResponse).
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
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
  installDrainResponse(app);
  installApiKeyAuth(app, options.apiKeys);
  // After authentication and the drain check, and before any route: the 405 and request-id
  // checks learn the routes from onRoute.
  installMethodNotAllowed(app);
  installBodyEncodingChecks(app);
  installRequestIdCheck(app);

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
