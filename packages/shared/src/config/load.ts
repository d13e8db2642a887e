import type { z } from "zod";

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Every problem with the configuration at once, one line per variable. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/**
 * Parses `source` (normally `process.env`) with `schema` and returns a frozen, typed object, or
 * throws a ConfigError listing all issues. Secret values never appear in messages.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  source: EnvSource,
): Readonly<z.output<S>> {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.map(String).join(".") || "(config)";
        return `${key}: ${issue.message}`;
      }),
    );
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null || Array.isArray(value)) {
      Object.freeze(value);
      for (const child of Object.values(value)) deepFreeze(child);
    }
  }
  return value;
}
