import { effectiveHooks, HookConfigError, hookRunOverridesSchema } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";

function runtimeProblems(
  entries: readonly { id: string; runtime: { type: string } }[],
  allowed: readonly string[],
  prefix: string,
): string[] {
  return entries
    .map((entry, index) =>
      allowed.includes(entry.runtime.type)
        ? undefined
        : `${prefix}[${index}].runtime.type: hook runtime '${entry.runtime.type}' is not allowed here (MEERKAT_HOOK_RUNTIMES: ${allowed.join(", ")})`,
    )
    .filter((problem): problem is string => problem !== undefined);
}

/**
 * A request's `hooks_override`: valid entries (the contract's schema, builtin rules, no id
 * clash with the realm's hooks) of an allowed runtime, else 400 before anything is stored.
 */
export function assertHooksOverride(
  override: unknown,
  configEntries: readonly unknown[],
  allowed: readonly string[],
): void {
  if (override === null || override === undefined) return;
  const parsed = hookRunOverridesSchema.safeParse(override);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `hooks_override.${issue.path.map(String).join(".")}: ${issue.message}`,
    );
    throw new AppError("BAD_REQUEST", `Invalid hooks_override: ${problems.join("; ")}`);
  }
  try {
    effectiveHooks(configEntries, override);
  } catch (error) {
    if (!(error instanceof HookConfigError)) throw error;
    const own = error.issues.filter((issue) => issue.source === "override");
    if (own.length > 0) {
      throw new AppError(
        "BAD_REQUEST",
        `Invalid hooks_override: ${own.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
      );
    }
  }
  const problems = runtimeProblems(parsed.data.entries, allowed, "hooks_override.entries");
  if (problems.length > 0)
    throw new AppError("BAD_REQUEST", `Invalid hooks_override: ${problems.join("; ")}`);
}

/** The realm config's `hooks.entries`: every entry valid and of an allowed runtime. */
export function assertConfigHooks(entries: readonly unknown[], allowed: readonly string[]): void {
  let parsed;
  try {
    parsed = effectiveHooks(entries, null);
  } catch (error) {
    if (!(error instanceof HookConfigError)) throw error;
    throw new AppError(
      "BAD_REQUEST",
      `Invalid config: ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
    );
  }
  const problems = runtimeProblems(parsed, allowed, "hooks.entries");
  if (problems.length > 0)
    throw new AppError("BAD_REQUEST", `Invalid config: ${problems.join("; ")}`);
}
