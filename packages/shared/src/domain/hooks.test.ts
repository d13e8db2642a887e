import { describe, expect, it } from "vitest";
import {
  effectiveHooks,
  HookConfigError,
  hookEntryConfigSchema,
  hookEntryShapeSchema,
  hookRunOverridesSchema,
  resolveEffectiveHooks,
} from "./hooks.js";

const logHook = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  runtime: { type: "in_process", name: "log" },
  ...extra,
});

function issuesOf(value: unknown): string[] {
  const parsed = hookEntryConfigSchema.safeParse(value);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("hookEntryConfigSchema", () => {
  it("fills the contract's defaults", () => {
    expect(hookEntryConfigSchema.parse({ runtime: { type: "in_process", name: "log" } })).toEqual({
      id: "hook",
      enabled: true,
      point: "turn_boundary",
      mode: "foreground",
      capability: "observe",
      priority: 100,
      runtime: { type: "in_process", name: "log" },
    });
    expect(
      hookEntryConfigSchema.parse({ id: "c", runtime: { type: "command", command: "/bin/true" } })
        .runtime,
    ).toEqual({ type: "command", command: "/bin/true", args: [], env: {} });
    expect(
      hookEntryConfigSchema.parse({ id: "h", runtime: { type: "http", url: "http://h/x" } })
        .runtime,
    ).toEqual({ type: "http", url: "http://h/x", method: "POST", headers: {} });
  });

  it.each([
    [
      { runtime: { type: "in_process", name: "nope" } },
      "runtime.name: unknown in_process hook 'nope'",
    ],
    [
      { capability: "observe", runtime: { type: "in_process", name: "deny_all" } },
      "capability: in_process hook 'deny_all' needs capability guardrail or rewrite",
    ],
    [
      {
        capability: "guardrail",
        point: "run_started",
        runtime: { type: "in_process", name: "deny_tools" },
        config: { tools: ["x"] },
      },
      "point: in_process hook 'deny_tools' only acts on",
    ],
    [
      {
        capability: "guardrail",
        point: "pre_tool_execution",
        runtime: { type: "in_process", name: "deny_tools" },
      },
      "config: deny_tools needs `tools`, `args_pattern`, or both",
    ],
    [
      {
        capability: "rewrite",
        point: "post_llm_response",
        runtime: { type: "in_process", name: "redact_text" },
        config: { patterns: ["("] },
      },
      "config.patterns.0: must be a valid regular expression",
    ],
    [
      { mode: "background", capability: "guardrail", runtime: { type: "command", command: "x" } },
      "capability: background hooks can only observe",
    ],
    [
      { runtime: { type: "command", command: "x" }, config: {} },
      "config: config is only for in_process hooks",
    ],
    [{ runtime: { type: "http", url: "ftp://h/x" } }, "runtime.url"],
    [{ runtime: { type: "ftp" } }, "runtime.type"],
    [{ priority: 2 ** 31, runtime: { type: "in_process", name: "log" } }, "priority"],
    [{ timeout_ms: 0, runtime: { type: "in_process", name: "log" } }, "timeout_ms"],
    [{ point: "whenever", runtime: { type: "in_process", name: "log" } }, "point"],
  ])("refuses %j", (entry, expected) => {
    expect(issuesOf(entry).join("\n")).toContain(expected);
  });

  it("accepts a builtin with its config and capability", () => {
    expect(
      issuesOf({
        capability: "guardrail",
        point: "pre_tool_execution",
        runtime: { type: "in_process", name: "deny_tools" },
        config: { tools: ["shell"], args_pattern: "rm -rf" },
      }),
    ).toEqual([]);
  });

  it("keeps only the shape in hookEntryShapeSchema (the worker reports unknown builtins itself)", () => {
    expect(
      hookEntryShapeSchema.safeParse({ runtime: { type: "in_process", name: "nope" } }).success,
    ).toBe(true);
  });
});

describe("hookRunOverridesSchema", () => {
  it("defaults both lists", () => {
    expect(hookRunOverridesSchema.parse({})).toEqual({ entries: [], disable: [] });
  });

  it("refuses duplicate ids among its entries", () => {
    const parsed = hookRunOverridesSchema.safeParse({ entries: [logHook("a"), logHook("a")] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["entries", 1, "id"],
      message: "duplicate hook id 'a'",
    });
  });
});

describe("effectiveHooks", () => {
  it("removes disabled realm entries and appends the override's", () => {
    const hooks = effectiveHooks([logHook("a"), logHook("b")], {
      disable: ["a"],
      entries: [logHook("c")],
    });
    expect(hooks.map((hook) => hook.id)).toEqual(["b", "c"]);
  });

  it("lets an override replace a realm entry it disabled", () => {
    const hooks = effectiveHooks([logHook("a", { priority: 1 })], {
      disable: ["a"],
      entries: [logHook("a", { priority: 2 })],
    });
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.priority).toBe(2);
  });

  it("works without an override", () => {
    expect(effectiveHooks([logHook("a")], null).map((hook) => hook.id)).toEqual(["a"]);
    expect(effectiveHooks([], undefined)).toEqual([]);
  });

  it("throws on an id the override adds twice over the realm's", () => {
    expect(() => effectiveHooks([logHook("a")], { entries: [logHook("a")] })).toThrow(
      HookConfigError,
    );
    try {
      effectiveHooks([logHook("a")], { entries: [logHook("a")] });
    } catch (error) {
      expect((error as HookConfigError).issues).toEqual([
        {
          source: "override",
          path: "hooks_override.entries",
          message: "duplicate hook id 'a' (disable the realm's entry to replace it)",
        },
      ]);
    }
  });

  it("throws on an invalid entry, naming where it is", () => {
    expect(() =>
      effectiveHooks([], { entries: [{ id: "x", runtime: { type: "in_process", name: "nope" } }] }),
    ).toThrow(/hooks_override\.entries\[0\]\.runtime\.name: unknown in_process hook 'nope'/);
    expect(() => effectiveHooks([{ id: "x" }], null)).toThrow(/hooks\.entries\[0\]\.runtime/);
    expect(() => effectiveHooks([], { disable: "a" })).toThrow(/hooks_override\.disable/);
  });
});

describe("resolveEffectiveHooks", () => {
  it("skips what does not parse and later duplicates, reporting both", () => {
    const resolved = resolveEffectiveHooks([logHook("a"), { id: "broken" }, logHook("a")], {
      entries: [logHook("b"), logHook("b", { priority: 5 })],
    });
    expect(resolved.entries.map((hook) => [hook.id, hook.priority])).toEqual([
      ["a", 100],
      ["b", 100],
    ]);
    expect(resolved.issues.map((issue) => [issue.source, issue.path])).toEqual([
      ["config", "hooks.entries[1].runtime"],
      ["config", "hooks.entries"],
      ["override", "hooks_override.entries"],
    ]);
  });

  it("keeps entries with an unknown builtin (the engine reports them as failed hooks)", () => {
    const resolved = resolveEffectiveHooks(
      [{ id: "x", runtime: { type: "in_process", name: "nope" } }],
      null,
    );
    expect(resolved.entries).toHaveLength(1);
    expect(resolved.issues).toEqual([]);
  });

  it("keeps entries switched off by `enabled: false` (the engine skips them)", () => {
    const resolved = resolveEffectiveHooks([logHook("a", { enabled: false })], null);
    expect(resolved.entries[0]?.enabled).toBe(false);
  });
});
