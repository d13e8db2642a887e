/**
 * Hook configuration (contract §3.8): the entry schema shared by the realm config's
 * `hooks.entries` and a session's `hooks_override`, the builtin in-process hooks with their
 * `config`, and the rule that turns both into the effective list. Pure: the API validates
 * requests with these schemas, the worker runs what `resolveEffectiveHooks` returns.
 *
 * Two levels of validation, on purpose. `hookEntryConfigSchema` is what the API enforces: shape
 * and defaults, plus the rules that only make sense up front (a known builtin name with a valid
 * `config`, a capability the builtin can act with, background hooks only observing).
 * `hookEntryShapeSchema` is the shape alone, which the worker uses on stored data: an entry that
 * is well formed but names a builtin this worker lacks still reaches the engine, which reports
 * it as a failed hook (an event the operator sees) instead of dropping it silently.
 */
import { z } from "zod";

export const hookPointSchema = z.enum([
  "run_started",
  "run_completed",
  "run_failed",
  "pre_llm_request",
  "post_llm_response",
  "pre_tool_execution",
  "post_tool_execution",
  "turn_boundary",
]);
export type HookPointName = z.output<typeof hookPointSchema>;

export const hookReasonCodeSchema = z.enum([
  "policy_violation",
  "safety_violation",
  "schema_violation",
  "timeout",
  "runtime_error",
]);
export type HookReasonCode = z.output<typeof hookReasonCodeSchema>;

export const hookCapabilitySchema = z.enum(["observe", "guardrail", "rewrite"]);
export type HookCapability = z.output<typeof hookCapabilitySchema>;

const I32_MIN = -2_147_483_648;
const I32_MAX = 2_147_483_647;
/** A hook may hold a turn at most as long as a tool may by default. */
const MAX_TIMEOUT_MS = 600_000;

function compiles(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}

/** Patterns run inside the worker on model output: keep them short (they are not sandboxed). */
const regexSource = z
  .string()
  .min(1)
  .max(512)
  .refine(compiles, { message: "must be a valid regular expression (JavaScript, u flag)" });

const denyMessage = z.string().min(1).max(4_096).optional();

/** The builtin in-process hooks and the `config` each accepts (unknown keys are dropped). */
export const builtinHookConfigSchemas = {
  /** Denies every invocation. */
  deny_all: z.object({
    reason_code: hookReasonCodeSchema.default("policy_violation"),
    message: denyMessage,
  }),
  /**
   * Denies a tool call when the tool is listed (`tools`) and/or its JSON-encoded arguments match
   * `args_pattern`; with both, both must hold.
   */
  deny_tools: z
    .object({
      tools: z.array(z.string().min(1)).min(1).max(256).optional(),
      args_pattern: regexSource.optional(),
      ignore_case: z.boolean().default(false),
      reason_code: hookReasonCodeSchema.default("policy_violation"),
      message: denyMessage,
    })
    .refine((config) => config.tools !== undefined || config.args_pattern !== undefined, {
      message: "deny_tools needs `tools`, `args_pattern`, or both",
    }),
  /** Replaces every match of `patterns` in the point's rewritable text. */
  redact_text: z.object({
    patterns: z.array(regexSource).min(1).max(64),
    replacement: z.string().max(1_024).default("[REDACTED]"),
    ignore_case: z.boolean().default(false),
  }),
  /** Logs the invocation (point, ids, payload keys; never the payload's values). */
  log: z.object({ level: z.enum(["debug", "info", "warn"]).default("info") }),
};
export type BuiltinHookName = keyof typeof builtinHookConfigSchemas;
export const BUILTIN_HOOK_NAMES = Object.keys(builtinHookConfigSchemas) as BuiltinHookName[];

export function isBuiltinHookName(name: string): name is BuiltinHookName {
  return Object.hasOwn(builtinHookConfigSchemas, name);
}

/** Where a builtin can have an effect; anything else would be a silent no-op, so it is refused. */
const BUILTIN_RULES: Record<
  BuiltinHookName,
  { capabilities: readonly HookCapability[]; points?: readonly HookPointName[] }
> = {
  deny_all: { capabilities: ["guardrail", "rewrite"] },
  deny_tools: {
    capabilities: ["guardrail", "rewrite"],
    points: ["pre_tool_execution", "post_tool_execution"],
  },
  redact_text: {
    capabilities: ["rewrite"],
    points: ["run_started", "pre_llm_request", "post_llm_response", "post_tool_execution"],
  },
  log: { capabilities: ["observe", "guardrail", "rewrite"] },
};

const headerOrEnvMap = z.record(z.string().min(1).max(256), z.string().max(8_192));

const hookRuntimeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("in_process"), name: z.string().min(1).max(128) }),
  z.object({
    type: z.literal("command"),
    /** The program itself; it is spawned without a shell. */
    command: z.string().min(1).max(4_096),
    args: z.array(z.string().max(8_192)).max(256).default([]),
    env: headerOrEnvMap
      .refine((env) => Object.keys(env).every((key) => !/[=\0]/.test(key)), {
        message: "environment variable names cannot contain '=' or NUL",
      })
      .default({}),
  }),
  z.object({
    type: z.literal("http"),
    url: z.url({ protocol: /^https?$/ }),
    /** Methods that carry the invocation as a body. */
    method: z.enum(["POST", "PUT", "PATCH"]).default("POST"),
    headers: headerOrEnvMap.default({}),
  }),
]);
export type HookRuntimeConfig = z.output<typeof hookRuntimeSchema>;

/** The entry's shape with the contract's defaults, without the up-front semantic rules. */
export const hookEntryShapeSchema = z.object({
  id: z.string().min(1).max(128).default("hook"),
  enabled: z.boolean().default(true),
  point: hookPointSchema.default("turn_boundary"),
  mode: z.enum(["foreground", "background"]).default("foreground"),
  capability: hookCapabilitySchema.default("observe"),
  /** Lower runs first; equal priorities keep list order (realm entries before the override's). */
  priority: z.number().int().min(I32_MIN).max(I32_MAX).default(100),
  /**
   * Inert in the reference; here it decides what a failed or timed-out guardrail/rewrite hook
   * means: fail_closed denies the operation, fail_open (the default) lets it continue.
   */
  failure_policy: z.enum(["fail_open", "fail_closed"]).optional(),
  timeout_ms: z.number().int().positive().max(MAX_TIMEOUT_MS).optional(),
  runtime: hookRuntimeSchema,
  /** Ours: the builtin's settings (in_process runtimes only). */
  config: z.record(z.string(), z.unknown()).optional(),
});

export const hookEntryConfigSchema = hookEntryShapeSchema.superRefine((entry, ctx) => {
  if (entry.mode === "background" && entry.capability !== "observe") {
    ctx.addIssue({
      code: "custom",
      path: ["capability"],
      message: "background hooks can only observe (nothing waits for their decision)",
    });
  }
  const runtime = entry.runtime;
  if (runtime.type !== "in_process") {
    if (entry.config !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["config"],
        message: "config is only for in_process hooks",
      });
    }
    return;
  }
  if (!isBuiltinHookName(runtime.name)) {
    ctx.addIssue({
      code: "custom",
      path: ["runtime", "name"],
      message: `unknown in_process hook '${runtime.name}' (known: ${BUILTIN_HOOK_NAMES.join(", ")})`,
    });
    return;
  }
  const rules = BUILTIN_RULES[runtime.name];
  if (!rules.capabilities.includes(entry.capability)) {
    ctx.addIssue({
      code: "custom",
      path: ["capability"],
      message: `in_process hook '${runtime.name}' needs capability ${rules.capabilities.join(" or ")}`,
    });
  }
  if (rules.points && !rules.points.includes(entry.point)) {
    ctx.addIssue({
      code: "custom",
      path: ["point"],
      message: `in_process hook '${runtime.name}' only acts on ${rules.points.join(", ")}`,
    });
  }
  const config = builtinHookConfigSchemas[runtime.name].safeParse(entry.config ?? {});
  if (!config.success) {
    for (const issue of config.error.issues) {
      ctx.addIssue({
        code: "custom",
        path: ["config", ...issue.path],
        message: issue.message,
      });
    }
  }
});
export type HookEntryConfig = z.output<typeof hookEntryShapeSchema>;

function duplicateIds(ids: readonly string[]): Map<number, string> {
  const seen = new Set<string>();
  const duplicates = new Map<number, string>();
  ids.forEach((id, index) => {
    if (seen.has(id)) duplicates.set(index, id);
    seen.add(id);
  });
  return duplicates;
}

/** `hooks_override` of a create or continue request. */
export const hookRunOverridesSchema = z
  .object({
    entries: z.array(hookEntryConfigSchema).max(64).default([]),
    /** Ids of realm-config hooks to leave out of this session's runs. */
    disable: z.array(z.string().min(1).max(128)).max(256).default([]),
  })
  .superRefine((override, ctx) => {
    for (const [index, id] of duplicateIds(override.entries.map((entry) => entry.id))) {
      ctx.addIssue({
        code: "custom",
        path: ["entries", index, "id"],
        message: `duplicate hook id '${id}'`,
      });
    }
  });
export type HookRunOverrides = z.output<typeof hookRunOverridesSchema>;

export interface HookConfigIssue {
  source: "config" | "override";
  /** Where, e.g. `hooks.entries[2].runtime.url` or `hooks_override.entries[0].id`. */
  path: string;
  message: string;
}

export interface ResolvedHooks {
  /** The effective list, in list order (realm entries first), disabled-by-flag ones included. */
  entries: HookEntryConfig[];
  /** What was left out, and why. */
  issues: HookConfigIssue[];
}

export class HookConfigError extends Error {
  readonly issues: HookConfigIssue[];

  constructor(issues: HookConfigIssue[]) {
    super(`invalid hooks: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
    this.name = "HookConfigError";
    this.issues = issues;
  }
}

/** superRefine keeps the schema type, so both levels share it. */
type EntrySchema = typeof hookEntryShapeSchema;

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : `${out}.${String(key)}`),
    prefix,
  );
}

function parseEntries(
  schema: EntrySchema,
  raw: readonly unknown[],
  source: HookConfigIssue["source"],
  prefix: string,
  issues: HookConfigIssue[],
): HookEntryConfig[] {
  const entries: HookEntryConfig[] = [];
  raw.forEach((value, index) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        issues.push({
          source,
          path: pathOf(`${prefix}[${index}]`, issue.path),
          message: issue.message,
        });
      }
    }
  });
  return entries;
}

const overrideEnvelope = z.object({
  entries: z.array(z.unknown()).default([]),
  disable: z.array(z.string()).default([]),
});

function resolveWith(
  schema: EntrySchema,
  configEntries: readonly unknown[],
  override: unknown,
): ResolvedHooks {
  const issues: HookConfigIssue[] = [];
  const fromConfig = parseEntries(schema, configEntries, "config", "hooks.entries", issues);
  let disable = new Set<string>();
  let fromOverride: HookEntryConfig[] = [];
  if (override !== null && override !== undefined) {
    const envelope = overrideEnvelope.safeParse(override);
    if (envelope.success) {
      disable = new Set(envelope.data.disable);
      fromOverride = parseEntries(
        schema,
        envelope.data.entries,
        "override",
        "hooks_override.entries",
        issues,
      );
    } else {
      for (const issue of envelope.error.issues) {
        issues.push({
          source: "override",
          path: pathOf("hooks_override", issue.path),
          message: issue.message,
        });
      }
    }
  }
  const candidates = [
    ...fromConfig
      .filter((entry) => !disable.has(entry.id))
      .map((entry) => ({ entry, source: "config" as const })),
    ...fromOverride.map((entry) => ({ entry, source: "override" as const })),
  ];
  const duplicates = duplicateIds(candidates.map(({ entry }) => entry.id));
  const entries: HookEntryConfig[] = [];
  candidates.forEach(({ entry, source }, index) => {
    if (!duplicates.has(index)) {
      entries.push(entry);
      return;
    }
    issues.push({
      source,
      path: source === "config" ? "hooks.entries" : "hooks_override.entries",
      message: `duplicate hook id '${entry.id}' (disable the realm's entry to replace it)`,
    });
  });
  return { entries, issues };
}

/**
 * The effective hooks of a run, strictly: realm `hooks.entries` minus `override.disable`, plus
 * `override.entries`, every entry validated as the API validates requests. Throws a
 * HookConfigError listing every problem (an invalid entry, a duplicate id).
 */
export function effectiveHooks(
  configEntries: readonly unknown[],
  override: unknown,
): HookEntryConfig[] {
  const resolved = resolveWith(hookEntryConfigSchema, configEntries, override);
  if (resolved.issues.length > 0) throw new HookConfigError(resolved.issues);
  return resolved.entries;
}

/**
 * The same list, leniently, for stored data the worker must run with anyway: malformed entries
 * and later duplicates of an id are left out and reported instead of failing the run.
 */
export function resolveEffectiveHooks(
  configEntries: readonly unknown[],
  override: unknown,
): ResolvedHooks {
  return resolveWith(hookEntryShapeSchema, configEntries, override);
}
