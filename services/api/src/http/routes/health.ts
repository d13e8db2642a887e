import type { FastifyInstance } from "fastify";

export interface HealthDeps {
  /** Dependencies reachable and not shutting down. */
  isReady: () => Promise<boolean>;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get(
    "/health",
    { schema: { tags: ["runtime"], summary: "Liveness check" } },
    async (_request, reply) => reply.type("text/plain").send("ok"),
  );
  app.get(
    "/readyz",
    { schema: { tags: ["runtime"], summary: "Readiness: Postgres and Redis reachable" } },
    async (_request, reply) => {
      const ready = await deps.isReady().catch(() => false);
      return reply
        .code(ready ? 200 : 503)
        .type("text/plain")
        .send(ready ? "ready" : "not ready");
    },
  );
}
