import {
  HELP_PLAN_REQUEST,
  HELP_SYSTEM_PROMPT,
  PLATFORM_SKILL_KEY,
  findSkill,
  renderSkillSection,
} from "@meerkat/shared/skills";
import type { HelpBody } from "../http/routes/help.schemas.js";
import type { CreateSessionBody } from "../http/routes/sessions.schemas.js";
import { createSession, type QueueOptions, type QueuedTurn } from "./create-session.js";
import type { ServiceDeps } from "./deps.js";

/** The first prompt of a help session: the question, the caller's context, the answer's shape. */
export function helpPrompt(body: Pick<HelpBody, "question" | "prompt" | "execution_mode">): string {
  const parts = [body.question.trim()];
  const context = body.prompt?.trim();
  if (context) parts.push(`Additional context from the caller:\n${context}`);
  if (body.execution_mode === "plan_execution") parts.push(HELP_PLAN_REQUEST);
  return parts.join("\n\n");
}

/**
 * POST /help: an ordinary session (same validation, storage and worker path as POST /sessions)
 * with the help system prompt, the platform guide preloaded, and every tool family off, so the
 * answer can only explain. With skills disabled in config the guide goes in as an additional
 * instruction instead: help must keep working even where skills are switched off.
 */
export async function askHelp(
  deps: ServiceDeps,
  body: HelpBody,
  options: QueueOptions = {},
): Promise<QueuedTurn> {
  const { config } = await deps.realm.config();
  const platform = findSkill(PLATFORM_SKILL_KEY);
  const guide =
    config.skills.enabled || !platform
      ? { preload_skills: [PLATFORM_SKILL_KEY] }
      : { additional_instructions: [renderSkillSection(platform)] };
  const create: CreateSessionBody = {
    prompt: helpPrompt(body),
    system_prompt: HELP_SYSTEM_PROMPT,
    model: body.model,
    provider: body.provider,
    max_tokens: body.max_tokens,
    keep_alive: false,
    enable_builtins: false,
    enable_shell: false,
    enable_memory: false,
    enable_schedule: false,
    enable_workgraph: false,
    enable_mob: false,
    enable_web_search: false,
    ...guide,
  };
  return createSession(deps, create, { ...options, kind: "help" });
}
