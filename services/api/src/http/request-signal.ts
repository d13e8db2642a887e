import type { FastifyReply, FastifyRequest } from "fastify";

/** Aborted when the client goes away before the response is sent. */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort(new Error("client disconnected"));
  });
  return controller.signal;
}

/** True when the client asked for `Prefer: respond-async` (RFC 7240). */
export function prefersAsync(request: FastifyRequest): boolean {
  const prefer = request.headers["prefer"];
  const values = Array.isArray(prefer) ? prefer.join(",") : (prefer ?? "");
  return values
    .split(",")
    .some((token) => token.trim().toLowerCase().split(";")[0]?.trim() === "respond-async");
}
