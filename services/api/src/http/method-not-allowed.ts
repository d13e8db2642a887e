import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "@meerkat/shared/errors";
import { sendError } from "./error-handler.js";
import { MAX_PARAM_LENGTH } from "./path-limits.js";

/** The order `Allow` lists methods in; any other method follows, alphabetically. */
const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function byConventionalOrder(a: string, b: string): number {
  const rank = (method: string) => {
    const index = METHOD_ORDER.indexOf(method);
    return index === -1 ? METHOD_ORDER.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * Whether the router could mistake this path for a framework error rather than a route: a
 * path that is not origin-form (`*`, an absolute URL), bad percent-encoding, or a segment
 * longer than MAX_PARAM_LENGTH. For such a path the router's lookup answers with its
 * bad-URL / over-long-parameter handler instead of "no route", so the path is never a 405.
 */
function unroutable(path: string): boolean {
  if (!path.startsWith("/")) return true;
  try {
    decodeURI(path);
    return path.split("/").some((segment) => decodeURIComponent(segment).length > MAX_PARAM_LENGTH);
  } catch {
    return true;
  }
}

/**
 * A request whose path exists under other methods answers 405 METHOD_NOT_ALLOWED with an
 * `Allow` header (fastify answers 404). The methods come from the `onRoute` hook (HEAD among
 * them wherever fastify exposes it for a GET); whether a method serves the concrete path is
 * asked of fastify's own router (`findRoute`, find-my-way's lookup of a request path), so
 * prefixes, the trailing-slash aliases fastify adds for them, parameters and percent-encoding
 * match exactly as they do when a request is routed. Unknown paths stay 404, and so does a
 * 404 a route itself answers (`reply.callNotFound()`, e.g. a missing static file).
 *
 * Runs as an `onRequest` hook (after authentication and the drain check), so a wrong method
 * is answered before its body is read.
 */
export function installMethodNotAllowed(app: FastifyInstance): void {
  const methods = new Set<string>();
  app.addHook("onRoute", (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      methods.add(method.toUpperCase());
    }
  });

  // Typed as always finding a route; it answers null when none matches (as documented).
  const serves = (method: string, url: string): boolean =>
    (app.findRoute({ method, url }) as object | null) !== null;

  const allowedMethods = (request: FastifyRequest): string[] => {
    const url = request.url;
    const end = url.search(/[?#]/);
    if (unroutable(end === -1 ? url : url.slice(0, end))) return [];
    return [...methods].filter((method) => serves(method, url)).sort(byConventionalOrder);
  };

  app.addHook("onRequest", (request, reply, done) => {
    const allowed = request.is404 ? allowedMethods(request) : [];
    if (allowed.length === 0 || allowed.includes(request.method)) {
      done();
      return;
    }
    void reply.header("allow", allowed.join(", "));
    const path = request.url.split("?")[0] ?? "";
    void sendError(
      reply,
      new AppError("METHOD_NOT_ALLOWED", `Method not allowed: ${request.method} ${path}`, {
        details: { allow: allowed },
      }),
    );
  });
}
