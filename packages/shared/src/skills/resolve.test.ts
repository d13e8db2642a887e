import { describe, expect, it } from "vitest";
import { parseRealmConfig, type RealmConfig } from "../domain/realm-config.js";
import { AppError } from "../errors/app-error.js";
import { BUILTIN_SKILLS, EMBEDDED_SOURCE_UUID, findSkill, listSkills } from "./catalog.js";
import { assertSkillsResolvable, resolveSkillRequest } from "./resolve.js";

const key = (skill_name: string) => ({ source_uuid: EMBEDDED_SOURCE_UUID, skill_name });
const ref = (skill_name: string) => ({ kind: "structured", ...key(skill_name) });
const defaults = parseRealmConfig({});

function caught(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

function resolve(preload: unknown, refs: unknown, config: RealmConfig = defaults) {
  return resolveSkillRequest({ preload, refs, config });
}

describe("the embedded catalog", () => {
  it("lists every builtin with provenance and without bodies", () => {
    const entries = listSkills();
    expect(entries.map((entry) => entry.key.skill_name)).toEqual(
      expect.arrayContaining([
        "task-workflow",
        "schedule-workflow",
        "shell-workflow",
        "memory-workflow",
        "multi-agent-comms",
        "meerkat-platform",
      ]),
    );
    for (const entry of entries) {
      expect(entry).toMatchObject({
        scope: "builtin",
        is_active: true,
        source: {
          source_uuid: EMBEDDED_SOURCE_UUID,
          display_name: "embedded",
          transport_kind: "embedded",
          fingerprint: "embedded:inventory",
          status: "active",
        },
      });
      expect(entry).not.toHaveProperty("body");
    }
    expect(listSkills().find((entry) => entry.key.skill_name === "task-workflow")).toMatchObject({
      name: "Task Workflow",
      description: "How to use task tools",
    });
  });

  it("keeps every body within the default injection limit on its own", () => {
    for (const skill of BUILTIN_SKILLS) {
      expect(skill.body.trim()).not.toBe("");
      expect(Buffer.byteLength(skill.body)).toBeLessThan(defaults.skills.max_injection_bytes);
    }
  });

  it("finds by source and name only", () => {
    expect(findSkill(key("meerkat-platform"))?.name).toBe("Meerkat Platform");
    expect(findSkill({ source_uuid: "other", skill_name: "meerkat-platform" })).toBeUndefined();
  });
});

describe("resolveSkillRequest", () => {
  it("returns nothing for no request", () => {
    expect(resolve(undefined, null)).toEqual({ skills: [], injection: { sections: [], bytes: 0 } });
    expect(resolve([], [])).toEqual({ skills: [], injection: { sections: [], bytes: 0 } });
  });

  it("renders preloads then refs, each skill once, and counts the bytes", () => {
    const result = resolve(
      [key("meerkat-platform")],
      [ref("schedule-workflow"), ref("meerkat-platform")],
    );
    expect(result.skills.map((skill) => skill.key.skill_name)).toEqual([
      "meerkat-platform",
      "schedule-workflow",
    ]);
    expect(result.injection.sections[0]).toMatch(/^## Skill: Meerkat Platform\n# Meerkat platform/);
    expect(result.injection.sections[1]).toMatch(/^## Skill: Schedule Workflow\n/);
    expect(result.injection.bytes).toBe(
      result.injection.sections.reduce((sum, section) => sum + Buffer.byteLength(section), 0),
    );
  });

  it("tolerates kind on a preload key", () => {
    expect(resolve([ref("meerkat-platform")], undefined).skills).toHaveLength(1);
  });

  it("answers SKILL_NOT_FOUND for an unknown name or source", () => {
    const error = caught(() => resolve([key("no-such-skill")], []));
    expect(error.code).toBe("SKILL_NOT_FOUND");
    expect(error.message).toBe("Skill not found: no-such-skill");
    expect(error.details).toMatchObject({
      skill_key: key("no-such-skill"),
      reason: { reason_type: "not_found", key: key("no-such-skill") },
    });
    const otherSource = caught(() =>
      resolve([], [{ kind: "structured", source_uuid: "x", skill_name: "task-workflow" }]),
    );
    expect(otherSource.code).toBe("SKILL_NOT_FOUND");
  });

  it.each([
    ["a ref without kind", [], [key("meerkat-platform")]],
    ["a ref of another kind", [], [{ ...ref("meerkat-platform"), kind: "alias" }]],
    ["a string ref", [], ["meerkat-platform"]],
    ["a ref without a name", [], [{ kind: "structured", source_uuid: EMBEDDED_SOURCE_UUID }]],
    ["an empty name", [{ source_uuid: EMBEDDED_SOURCE_UUID, skill_name: " " }], []],
    ["a non-array preload", { skill_name: "x" }, []],
  ])("rejects %s with SKILL_RESOLUTION_FAILED", (_label, preload, refs) => {
    const error = caught(() => resolve(preload, refs));
    expect(error.code).toBe("SKILL_RESOLUTION_FAILED");
    expect(error.details?.["reason"]).toMatchObject({ reason_type: "parse" });
  });

  it("refuses a skill whose capability is off, and accepts it once switched on", () => {
    const off = parseRealmConfig({ tools: { schedule_enabled: false } });
    const error = caught(() => resolve([key("schedule-workflow")], [], off));
    expect(error.code).toBe("SKILL_RESOLUTION_FAILED");
    expect(error.message).toContain("schedule");
    expect(error.details).toMatchObject({
      reason: {
        reason_type: "capability_unavailable",
        key: key("schedule-workflow"),
        capability: "schedule",
      },
    });
    const sessionOn = resolveSkillRequest({
      preload: [key("schedule-workflow")],
      refs: [],
      config: off,
      toggles: { enable_schedule: true },
    });
    expect(sessionOn.skills).toHaveLength(1);
  });

  it("gates the shell skill on both builtins and shell", () => {
    expect(caught(() => resolve([key("shell-workflow")], [])).code).toBe("SKILL_RESOLUTION_FAILED");
    const shellOnly = { enable_shell: true };
    expect(() =>
      resolveSkillRequest({
        preload: [key("shell-workflow")],
        refs: [],
        config: defaults,
        toggles: shellOnly,
      }),
    ).toThrow(/builtins|shell/);
    expect(
      resolveSkillRequest({
        preload: [key("shell-workflow")],
        refs: [],
        config: defaults,
        toggles: { ...shellOnly, enable_builtins: true },
      }).skills,
    ).toHaveLength(1);
  });

  it("refuses an injection above skills.max_injection_bytes", () => {
    const tight = parseRealmConfig({ skills: { max_injection_bytes: 100 } });
    const error = caught(() => resolve([key("meerkat-platform")], [], tight));
    expect(error.code).toBe("SKILL_RESOLUTION_FAILED");
    expect(error.message).toMatch(/exceeds skills\.max_injection_bytes \(100\)/);
  });

  it("refuses any skill while skills are disabled, but lets a request without skills through", () => {
    const disabled = parseRealmConfig({ skills: { enabled: false } });
    expect(caught(() => resolve([key("meerkat-platform")], [], disabled)).code).toBe(
      "SKILL_RESOLUTION_FAILED",
    );
    expect(resolve(null, [], disabled).skills).toEqual([]);
  });

  it("assertSkillsResolvable throws what resolution throws", () => {
    expect(() => {
      assertSkillsResolvable([key("nope")], null, defaults);
    }).toThrow("Skill not found: nope");
    expect(() => {
      assertSkillsResolvable(null, [ref("meerkat-platform")], defaults);
    }).not.toThrow();
  });
});
