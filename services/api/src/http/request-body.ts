import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "@meerkat/shared/errors";
import { sendError } from "./error-handler.js";

/**
 * Structured-syntax JSON media types (RFC 6839), e.g. application/merge-patch+json, with or
 * without parameters (fastify tests a parser's pattern against `type/subtype; name="value"`).
 */
export const JSON_SUFFIX_TYPE = /^application\/[a-z0-9!#$&^_.-]+\+json(?:;|$)/i;

/** Methods whose body fastify never reads (its default body-less methods). */
const BODYLESS_METHODS = new Set(["GET", "HEAD", "TRACE"]);

/** Labels of UTF-8 a JSON body may declare (RFC 8259: JSON exchanged between systems is UTF-8). */
const UTF8_CHARSETS = new Set(["utf-8", "utf8"]);

/** `charset` parameters of a Content-Type value (token or quoted-string, RFC 9110 §5.6.6). */
const CHARSET_PARAMETER = /;\s*charset\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)/gi;

/** Fastify's own test of "this request has a body" (handle-request.js). */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return (
    request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0")
  );
}

/** The content codings a body was sent with, other than `identity` (RFC 9110 §8.4). */
function contentCodings(request: FastifyRequest): string[] {
  const header = request.headers["content-encoding"];
  if (header === undefined) return [];
  return header
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
}

/** The charsets a JSON body declares that are not UTF-8 (none for any other media type). */
function foreignCharsets(request: FastifyRequest): string[] {
  const mediaType = request.mediaType;
  const header = request.headers["content-type"];
  if (mediaType === undefined || header === undefined) return [];
  if (mediaType !== "application/json" && !JSON_SUFFIX_TYPE.test(mediaType)) return [];
  return [...header.matchAll(CHARSET_PARAMETER)]
    .map((match) => (match[1] ?? "").replace(/^"(.*)"$/s, "$1").replace(/\\(.)/gs, "$1"))
    .filter((charset) => !UTF8_CHARSETS.has(charset.toLowerCase()));
}

/**
 * A body the server cannot read as sent is refused with 415 UNSUPPORTED_MEDIA_TYPE before it
 * is read, so nothing is written: a body with a `Content-Encoding` other than `identity`
 * (fastify would parse the compressed bytes as if they were plain; the answer carries
 * `Accept-Encoding: identity`, RFC 9110 §15.5.16), and a JSON body declaring a charset other
 * than UTF-8 (fastify would decode it as UTF-8 anyway). Requests to unknown paths are left to
 * their 404/405, and body-less methods are not checked (their bodies are never read).
 */
export function installBodyEncodingChecks(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    if (request.is404 || BODYLESS_METHODS.has(request.method) || !hasBody(request)) {
      done();
      return;
    }
    const codings = contentCodings(request);
    if (codings.length > 0) {
      void reply.header("accept-encoding", "identity");
      void sendError(
        reply,
        new AppError(
          "UNSUPPORTED_MEDIA_TYPE",
          `Unsupported Content-Encoding '${codings.join(", ")}': send the request body unencoded (identity)`,
        ),
      );
      return;
    }
    const charsets = foreignCharsets(request);
    if (charsets.length > 0) {
      void sendError(
        reply,
        new AppError(
          "UNSUPPORTED_MEDIA_TYPE",
          `Unsupported charset '${charsets.join(", ")}': JSON request bodies must be UTF-8`,
        ),
      );
      return;
    }
    done();
  });
}
