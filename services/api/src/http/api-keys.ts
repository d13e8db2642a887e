import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { AppError } from "@meerkat/shared/errors";
import { sendError } from "./error-handler.js";

/** Probes must work without a key (Kubernetes cannot send one). */
const OPEN_PATHS = new Set(["/health", "/readyz", "/livez"]);

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Inbound API keys (an addition to the contract): off when none is configured. Keys are kept
 * only as SHA-256 digests and compared in constant time against every configured key.
 */
export function installApiKeyAuth(app: FastifyInstance, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const digests = keys.map(digest);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (OPEN_PATHS.has(path)) return;
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const presented = digest(match?.[1]?.trim() ?? "");
    let ok = false;
    for (const candidate of digests) ok = timingSafeEqual(candidate, presented) || ok;
    if (!ok) {
      await sendError(reply, new AppError("UNAUTHORIZED", "missing or invalid API key"));
    }
  });
}
