import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { AppError } from "@meerkat/shared/errors";
import { listSkills } from "@meerkat/shared/skills";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { errorBodySchema } from "./sessions.schemas.js";
import { skillListSchema } from "./skills.schemas.js";

export function registerSkillRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/skills",
    {
      schema: {
        tags: ["skills"],
        summary: "List skills with provenance",
        description:
          "Every skill with its source, active and shadowed entries alike. 404 when the realm config disables skills (`skills.enabled = false`).",
        response: { 200: skillListSchema, 404: errorBodySchema },
      },
    },
    async () => {
      const { config } = await deps.realm.config();
      // The reference answers a plain NOT_FOUND when no skill runtime is configured.
      if (!config.skills.enabled) throw new AppError("NOT_FOUND", "skills not enabled");
      return { skills: listSkills() };
    },
  );
}
