import type { FastifyInstance, preHandlerHookHandler } from "fastify";
import { AppError } from "@meerkat/shared/errors";
import { MAX_PARAM_LENGTH } from "./path-limits.js";

const HEADER = "x-meerkat-request-id";

/** The routes that honour X-Meerkat-Request-Id (routes/sessions.ts and routes/help.ts). */
const TRACKED_ROUTES = new Set(["POST /sessions", "POST /sessions/:id/messages", "POST /help"]);

const utf8 = new TextDecoder("utf-8", { fatal: true });

function refuse(reason: string): AppError {
  return new AppError("BAD_REQUEST", `X-Meerkat-Request-Id ${reason}`);
}

/**
 * The request id as the caller meant it, or a 400 when `POST /requests/{id}/cancel` could never
 * name it. Node reads header bytes as Latin-1; the id is read as UTF-8 (the contract: non-UTF-8
 * is 400), so that the id percent-encoded as UTF-8 in the cancel path decodes to the same
 * string. Refused besides: an id longer than the cancel route's parameter (MAX_PARAM_LENGTH
 * UTF-16 code units, as the router counts after percent-decoding), leading or trailing
 * whitespace other than the spaces and tabs HTTP itself strips (the id is stored trimmed, so
 * the untrimmed id would not be found), and `.` or `..` (URL clients resolve those path
 * segments, percent-encoded or not, before the request is sent). An empty id is left to the
 * route's own check.
 */
function readRequestId(raw: string): string {
  let id: string;
  try {
    id = utf8.decode(Buffer.from(raw, "latin1"));
  } catch {
    throw refuse("must be UTF-8");
  }
  const trimmed = id.trim();
  if (trimmed === "") return id;
  if (trimmed !== id) {
    throw refuse("must not begin or end with whitespace: it could not be cancelled by that id");
  }
  if (id.length > MAX_PARAM_LENGTH) {
    throw refuse(
      `must be at most ${MAX_PARAM_LENGTH} characters, the longest id POST /requests/{id}/cancel takes`,
    );
  }
  if (id === "." || id === "..") {
    throw refuse(
      `must not be '${id}': URL clients resolve it as a path segment, so POST /requests/{id}/cancel could not name it`,
    );
  }
  return id;
}

const checkRequestId: preHandlerHookHandler = (request, _reply, done) => {
  const header = request.headers[HEADER];
  const raw = Array.isArray(header) ? header[0] : header;
  let id: string | undefined;
  try {
    id = raw === undefined ? undefined : readRequestId(raw);
  } catch (error) {
    done(error as Error);
    return;
  }
  // The route reads the header: hand it the id as decoded (fastify's documented header setter).
  if (id !== undefined && id !== raw) request.headers = { [HEADER]: id };
  done();
};

/**
 * Every X-Meerkat-Request-Id the tracked routes accept can be cancelled: `readRequestId` runs
 * before their handlers (which register the id). Fails at startup if a tracked route is not
 * registered, so renaming one cannot silently drop the check.
 */
export function installRequestIdCheck(app: FastifyInstance): void {
  const seen = new Set<string>();
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const key = `${method.toUpperCase()} ${route.url}`;
      if (!TRACKED_ROUTES.has(key)) continue;
      seen.add(key);
      const existing = route.preHandler;
      route.preHandler = [
        checkRequestId,
        ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      ];
    }
  });
  app.addHook("onReady", (done) => {
    const missing = [...TRACKED_ROUTES].filter((route) => !seen.has(route));
    done(
      missing.length > 0
        ? new Error(`X-Meerkat-Request-Id routes not registered: ${missing.join(", ")}`)
        : undefined,
    );
  });
}
