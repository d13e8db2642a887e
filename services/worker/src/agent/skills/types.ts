import type { RunContext } from "../run-context.js";

/**
 * Resolves a run's skills (`preload_skills` of the session, `skill_refs` of the turn) into
 * system-prompt sections; emits skills_resolved / skill_resolution_failed. Throws an AppError
 * (SKILL_NOT_FOUND, SKILL_RESOLUTION_FAILED) when a requested skill cannot be used.
 */
export type SkillResolver = (
  run: RunContext,
  request: { preload: unknown; refs: unknown },
) => Promise<string[]>;
