/**
 * Skill resolution, pure: turns a session's `preload_skills` and a turn's `skill_refs` into the
 * system-prompt sections to inject. The API calls it before storing a request (so a bad
 * reference is refused with nothing written); the worker calls it again when the turn runs,
 * because config and the catalog may have changed since.
 */
import type { RealmConfig } from "../domain/realm-config.js";
import type { SessionSettings } from "../domain/settings.js";
import { AppError } from "../errors/app-error.js";
import { findSkill } from "./catalog.js";
import type { SkillCapability, SkillDefinition, SkillFailureReason, SkillKey } from "./types.js";

/** The session switches that decide which tool families, hence which skills, are usable. */
export type SkillToggles = Partial<
  Pick<
    SessionSettings,
    | "enable_builtins"
    | "enable_shell"
    | "enable_memory"
    | "enable_schedule"
    | "enable_workgraph"
    | "comms_name"
  >
>;

export interface SkillRequest {
  /** `preload_skills` of the session: `{source_uuid, skill_name}[]`. */
  preload: unknown;
  /** `skill_refs` of the turn: `{kind: "structured", source_uuid, skill_name}[]`. */
  refs: unknown;
  config: RealmConfig;
  /** The session's tool switches; omitted ones fall back to config, as the tool sources do. */
  toggles?: SkillToggles | undefined;
}

export interface SkillResolution {
  /** Resolved skills in injection order (preloads first), each once. */
  skills: SkillDefinition[];
  injection: {
    /** One system-prompt section per skill. */
    sections: string[];
    /** UTF-8 size of the sections, checked against `skills.max_injection_bytes`. */
    bytes: number;
  };
}

/** Which capabilities a session has, by the same rules as the worker's tool sources. */
export function skillCapabilities(
  config: RealmConfig,
  toggles: SkillToggles = {},
): Record<SkillCapability, boolean> {
  const builtins = toggles.enable_builtins ?? config.tools.builtins_enabled;
  return {
    builtins,
    // The shell is one of the builtins: it needs both switches.
    shell: (toggles.enable_shell ?? config.tools.shell_enabled) && builtins,
    memory_store: toggles.enable_memory ?? config.tools.memory_enabled,
    schedule: toggles.enable_schedule ?? config.tools.schedule_enabled,
    comms: Boolean(toggles.comms_name) || config.tools.comms_enabled,
    work_graph: toggles.enable_workgraph ?? config.tools.workgraph_enabled,
  };
}

/** How a skill appears in the system prompt. */
export function renderSkillSection(skill: SkillDefinition): string {
  return `## Skill: ${skill.name}\n${skill.body}`;
}

/** The display form of a key (the events' legacy `reference` string). */
export function skillReference(key: SkillKey): string {
  return `${key.source_uuid}/${key.skill_name}`;
}

function failure(
  message: string,
  reason: SkillFailureReason,
  extra: { skill_key?: SkillKey; reference?: string } = {},
): AppError {
  return new AppError("SKILL_RESOLUTION_FAILED", message, { details: { ...extra, reason } });
}

function describeRaw(raw: unknown): string {
  // References come from JSON bodies, so they always serialise (undefined is mapped to null).
  const text = JSON.stringify(raw ?? null);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function asList(raw: unknown, field: string): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw;
  throw failure(`Invalid ${field}: expected an array`, {
    reason_type: "parse",
    message: `${field} must be an array`,
  });
}

/**
 * A structured key. Preloads are bare keys (a `kind` of "structured" is tolerated); turn
 * references must say `kind: "structured"`, the contract's only form.
 */
function parseKey(raw: unknown, field: string, index: number, needsKind: boolean): SkillKey {
  const shape = needsKind
    ? '{"kind": "structured", "source_uuid", "skill_name"}'
    : '{"source_uuid", "skill_name"}';
  const where = `${field}[${index}]`;
  const invalid = () =>
    failure(
      `Invalid skill reference at ${where}: expected ${shape}`,
      { reason_type: "parse", message: `${where} must be ${shape}` },
      { reference: describeRaw(raw) },
    );
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalid();
  const record = raw as Record<string, unknown>;
  const kind = record["kind"];
  if (needsKind ? kind !== "structured" : kind !== undefined && kind !== "structured") {
    throw invalid();
  }
  const sourceUuid = record["source_uuid"];
  const skillName = record["skill_name"];
  if (typeof sourceUuid !== "string" || sourceUuid.trim() === "") throw invalid();
  if (typeof skillName !== "string" || skillName.trim() === "") throw invalid();
  return { source_uuid: sourceUuid, skill_name: skillName };
}

function requestedKeys(preload: unknown, refs: unknown): SkillKey[] {
  const keys = [
    ...asList(preload, "preload_skills").map((raw, i) => parseKey(raw, "preload_skills", i, false)),
    ...asList(refs, "skill_refs").map((raw, i) => parseKey(raw, "skill_refs", i, true)),
  ];
  const seen = new Set<string>();
  return keys.filter((key) => {
    const id = skillReference(key);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function hasEntries(raw: unknown): boolean {
  return raw !== undefined && raw !== null && (!Array.isArray(raw) || raw.length > 0);
}

/**
 * Resolves a request or throws: SKILL_NOT_FOUND (404) for an unknown skill,
 * SKILL_RESOLUTION_FAILED (422) for a malformed reference, a skill whose capability is off,
 * an injection above `skills.max_injection_bytes`, or any skill while skills are disabled.
 * `details` carries the contract's `reason` (and `skill_key` / `reference` when known).
 */
export function resolveSkillRequest(request: SkillRequest): SkillResolution {
  const { config } = request;
  if (!config.skills.enabled && (hasEntries(request.preload) || hasEntries(request.refs))) {
    throw failure("Skills are not enabled (config skills.enabled = false)", {
      reason_type: "load",
      message: "skills are not enabled",
    });
  }
  const capabilities = skillCapabilities(config, request.toggles);
  const skills = requestedKeys(request.preload, request.refs).map((key) => {
    const skill = findSkill(key);
    const extra = { skill_key: key, reference: skillReference(key) };
    if (!skill) {
      throw new AppError("SKILL_NOT_FOUND", `Skill not found: ${key.skill_name}`, {
        details: { ...extra, reason: { reason_type: "not_found", key } },
      });
    }
    if (skill.capability && !capabilities[skill.capability]) {
      throw failure(
        `Skill ${key.skill_name} needs the ${skill.capability} capability, which is disabled for this session`,
        { reason_type: "capability_unavailable", key, capability: skill.capability },
        extra,
      );
    }
    return skill;
  });
  const sections = skills.map(renderSkillSection);
  const bytes = sections.reduce((sum, section) => sum + Buffer.byteLength(section, "utf8"), 0);
  const limit = config.skills.max_injection_bytes;
  if (bytes > limit) {
    throw failure(
      `Skill injection of ${bytes} bytes exceeds skills.max_injection_bytes (${limit})`,
      { reason_type: "load", message: `injection of ${bytes} bytes exceeds the ${limit} limit` },
    );
  }
  return { skills, injection: { sections, bytes } };
}

/** The API's pre-check: throws what the worker would, before anything is stored. */
export function assertSkillsResolvable(
  preload: unknown,
  refs: unknown,
  config: RealmConfig,
  toggles?: SkillToggles,
): void {
  resolveSkillRequest({ preload, refs, config, toggles });
}
