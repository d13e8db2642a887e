import { isAppError } from "@meerkat/shared/errors";
import { resolveSkillRequest } from "@meerkat/shared/skills";
import type { SkillResolver } from "./types.js";

/**
 * Resolves the run's skills against the realm config and the session's tool switches (the API
 * checked them when the request came in, but config may have changed since). A failure is
 * reported on the stream and fails the run with the skill's code (404 / 422 on a waiting request).
 */
export const resolveSkills: SkillResolver = (run, request) => {
  try {
    const resolution = resolveSkillRequest({
      preload: request.preload,
      refs: request.refs,
      config: run.config,
      toggles: run.session.settings,
    });
    if (resolution.skills.length > 0) {
      run.emit({
        type: "skills_resolved",
        skills: resolution.skills.map((skill) => skill.key),
        injection_bytes: resolution.injection.bytes,
      });
    }
    return Promise.resolve(resolution.injection.sections);
  } catch (error) {
    if (isAppError(error)) {
      const details = error.details ?? {};
      run.emit({
        type: "skill_resolution_failed",
        ...(typeof details["reference"] === "string" ? { reference: details["reference"] } : {}),
        ...(details["skill_key"] ? { skill_key: details["skill_key"] } : {}),
        error: error.message,
        reason: details["reason"] ?? { reason_type: "unknown", message: error.message },
      });
    }
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
};
