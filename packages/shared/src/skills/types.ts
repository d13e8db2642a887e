/**
 * Wire shapes of skills (GET /skills, `preload_skills`, `skill_refs`, skill events) and the
 * in-process definition of an embedded skill.
 */

/** A skill's canonical identity: the source it comes from and its slug within that source. */
export interface SkillKey {
  source_uuid: string;
  skill_name: string;
}

/** A per-turn reference (`skill_refs`): the contract has only the structured form. */
export interface SkillRef extends SkillKey {
  kind: "structured";
}

export interface SkillSourceProvenance {
  source_uuid: string;
  display_name: string;
  transport_kind: "embedded" | "filesystem" | "git" | "http" | "stdio";
  fingerprint: string;
  status: "active" | "disabled" | "retired";
}

/** One entry of GET /skills. */
export interface SkillEntry {
  key: SkillKey;
  name: string;
  description: string;
  scope: "builtin" | "project" | "user";
  source: SkillSourceProvenance;
  is_active: boolean;
  shadowed_by?: SkillSourceProvenance | null;
}

/**
 * Capabilities (the contract's CapabilityId values) a skill can depend on. A skill about a tool
 * family is useless, even misleading, in a session where that family is off.
 */
export type SkillCapability =
  "builtins" | "shell" | "memory_store" | "schedule" | "comms" | "work_graph";

/** An embedded skill: the listed entry plus the markdown injected into the system prompt. */
export interface SkillDefinition extends SkillEntry {
  body: string;
  capability?: SkillCapability;
}

/** `SkillResolutionFailureReason` of the contract (the variants this service produces). */
export type SkillFailureReason =
  | { reason_type: "not_found"; key: SkillKey }
  | { reason_type: "capability_unavailable"; key: SkillKey; capability: SkillCapability }
  | { reason_type: "load"; message: string }
  | { reason_type: "parse"; message: string };
