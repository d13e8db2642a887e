export * from "./types.js";
export {
  BUILTIN_SKILLS,
  EMBEDDED_SOURCE,
  EMBEDDED_SOURCE_UUID,
  PLATFORM_SKILL_KEY,
  findSkill,
  listSkills,
} from "./catalog.js";
export {
  assertSkillsResolvable,
  renderSkillSection,
  resolveSkillRequest,
  skillCapabilities,
  skillReference,
  type SkillRequest,
  type SkillResolution,
  type SkillToggles,
} from "./resolve.js";
export { HELP_PLAN_REQUEST, HELP_SYSTEM_PROMPT } from "./help-prompt.js";
