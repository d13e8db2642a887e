/**
 * The embedded skills: documents shipped with the service (no repository to load). They are the
 * only source at present, so every entry is active and nothing is shadowed.
 */
import { MEERKAT_PLATFORM } from "./bodies/meerkat-platform.js";
import { MEMORY_WORKFLOW } from "./bodies/memory-workflow.js";
import { MULTI_AGENT_COMMS } from "./bodies/multi-agent-comms.js";
import { SCHEDULE_WORKFLOW } from "./bodies/schedule-workflow.js";
import { SHELL_WORKFLOW } from "./bodies/shell-workflow.js";
import { TASK_WORKFLOW } from "./bodies/task-workflow.js";
import { WORKGRAPH_WORKFLOW } from "./bodies/workgraph-workflow.js";
import type {
  SkillCapability,
  SkillDefinition,
  SkillEntry,
  SkillKey,
  SkillSourceProvenance,
} from "./types.js";

/** The contract's fixed identity of the embedded source (the reference's GET /skills shows it). */
export const EMBEDDED_SOURCE_UUID = "00000000-0000-4b11-8111-000000000001";

export const EMBEDDED_SOURCE: SkillSourceProvenance = {
  source_uuid: EMBEDDED_SOURCE_UUID,
  display_name: "embedded",
  transport_kind: "embedded",
  fingerprint: "embedded:inventory",
  status: "active",
};

function embedded(
  skillName: string,
  name: string,
  description: string,
  body: string,
  capability?: SkillCapability,
): SkillDefinition {
  return {
    key: { source_uuid: EMBEDDED_SOURCE_UUID, skill_name: skillName },
    name,
    description,
    scope: "builtin",
    source: EMBEDDED_SOURCE,
    is_active: true,
    body,
    ...(capability ? { capability } : {}),
  };
}

export const BUILTIN_SKILLS: readonly SkillDefinition[] = [
  embedded("task-workflow", "Task Workflow", "How to use task tools", TASK_WORKFLOW, "builtins"),
  embedded(
    "schedule-workflow",
    "Schedule Workflow",
    "How to create, inspect, pause and delete schedules with the meerkat_schedule_* tools",
    SCHEDULE_WORKFLOW,
    "schedule",
  ),
  embedded(
    "shell-workflow",
    "Shell Workflow",
    "How to run commands and background jobs with the shell tools",
    SHELL_WORKFLOW,
    "shell",
  ),
  embedded(
    "memory-workflow",
    "Memory Workflow",
    "How to recall earlier or compacted context with memory_search",
    MEMORY_WORKFLOW,
    "memory_store",
  ),
  embedded(
    "multi-agent-comms",
    "Multi-Agent Comms",
    "How to exchange messages and requests with peer agents",
    MULTI_AGENT_COMMS,
    "comms",
  ),
  embedded(
    "workgraph-workflow",
    "WorkGraph Workflow",
    "How to coordinate realm-wide work items with the workgraph tools",
    WORKGRAPH_WORKFLOW,
    "work_graph",
  ),
  embedded(
    "meerkat-platform",
    "Meerkat Platform",
    "What Meerkat is and how to use its REST API, events, schedules, webhooks and config",
    MEERKAT_PLATFORM,
  ),
];

/** The key of the platform guide that POST /help preloads. */
export const PLATFORM_SKILL_KEY: SkillKey = {
  source_uuid: EMBEDDED_SOURCE_UUID,
  skill_name: "meerkat-platform",
};

/** GET /skills: every skill with its provenance, without bodies. */
export function listSkills(): SkillEntry[] {
  return BUILTIN_SKILLS.map((skill) => ({
    key: { ...skill.key },
    name: skill.name,
    description: skill.description,
    scope: skill.scope,
    source: { ...skill.source },
    is_active: skill.is_active,
  }));
}

export function findSkill(key: SkillKey): SkillDefinition | undefined {
  return BUILTIN_SKILLS.find(
    (skill) => skill.key.source_uuid === key.source_uuid && skill.key.skill_name === key.skill_name,
  );
}
