import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isDatabaseConnectionError } from "@meerkat/shared/db";
import { AppError, httpStatusOf, isAppError, type ErrorCode } from "@meerkat/shared/errors";

export interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const status = httpStatusOf(error.code);
  const body: ErrorBody = { error: error.message, code: error.code };
  if (error.details) body.details = error.details;
  if (error.code === "BUDGET_EXHAUSTED" || error.code === "SERVICE_UNAVAILABLE") {
    const retryAfter = error.details?.["retry_after_seconds"];
    if (typeof retryAfter === "number") void reply.header("retry-after", String(retryAfter));
  }
  return reply.code(status).type("application/json").send(body);
}

/** Fastify's own errors (parsing, limits) mapped to the contract's codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  // A body that is not JSON is a bad request like any other (the contract's errors are JSON).
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_JSON_BODY: "BAD_REQUEST",
};

interface ValidationIssue {
  instancePath: string;
  message?: string | undefined;
}

/** "prompt is required", "max_tokens: Too small: expected number to be >0" … */
export function describeValidation(context: string, issues: readonly ValidationIssue[]): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
    const message = issue.message ?? "is invalid";
    const field = path === "" ? context : path;
    // A missing field, or a missing body (an empty body reaches validation as null).
    if (/received undefined$/.test(message) || (path === "" && /received null$/.test(message))) {
      return `${field} is required`;
    }
    return `${field}: ${message}`;
  });
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return `Invalid request ${context}: ${parts.join("; ")}${more}`;
}

/**
 * The one place where errors become HTTP responses. Every body is the contract's
 * `{ error, code, details? }`; unknown failures become a generic 500 and go only to the logs.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      const status = httpStatusOf(error.code);
      if (status >= 500) request.log.error({ err: error }, "request failed");
      else request.log.info({ code: error.code, msg: error.message }, "request rejected");
      return sendError(reply, error);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? "body";
      const issues = error.validation.map((issue) => ({
        instancePath: issue.instancePath,
        message: issue.message,
      }));
      return sendError(
        reply,
        new AppError("BAD_REQUEST", describeValidation(context, issues), {
          details: {
            issues: issues.map((issue) => ({ path: issue.instancePath, message: issue.message })),
          },
        }),
      );
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const message =
        error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
          ? "Request body must be JSON (Content-Type: application/json)"
          : error.message;
      return sendError(reply, new AppError(mapped, message));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, new AppError("BAD_REQUEST", error.message));
    }
    if (isDatabaseConnectionError(error)) {
      // Postgres restarting or failing over: nothing about the request is wrong, retry it.
      request.log.warn({ err: error }, "database unavailable");
      return sendError(
        reply,
        new AppError("SERVICE_UNAVAILABLE", "Database unavailable — retry shortly", {
          details: { retry_after_seconds: 1 },
        }),
      );
    }
    request.log.error({ err: error }, "unexpected error");
    return sendError(reply, new AppError("INTERNAL_ERROR", "Internal server error"));
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new AppError(
        "NOT_FOUND",
        `Route not found: ${request.method} ${request.url.split("?")[0] ?? ""}`,
      ),
    ),
  );
}

/**
 * While the server drains on shutdown, a request still arriving on an open connection (one
 * pipelined behind a running request, or sent on a busy keep-alive socket) gets 503
 * SERVICE_UNAVAILABLE with the contract's body and Retry-After, and its connection closes, so the
 * client retries on another replica. Fastify's own `return503OnClosing` answers a body without
 * `code`; the app turns it off and installs this instead.
 */
export function installDrainResponse(app: FastifyInstance): void {
  let draining = false;
  app.addHook("preClose", (done) => {
    draining = true;
    done();
  });
  app.addHook("onRequest", (_request, reply, done) => {
    if (!draining) {
      done();
      return;
    }
    void reply.header("connection", "close");
    void sendError(
      reply,
      new AppError("SERVICE_UNAVAILABLE", "The server is shutting down: retry the request", {
        details: { retry_after_seconds: 1 },
      }),
    );
  });
}
