/**
 * The shell's security modes (`shell.security_mode` with `shell.security_patterns`):
 *
 * - `unrestricted`: every command runs.
 * - `deny_list`: a command is refused when the whole command or any of its simple commands
 *   matches a pattern.
 * - `allow_list`: a command runs only when every simple command in it matches a pattern, so
 *   `ls; rm -rf x` is not let through by an allowed `ls *`.
 *
 * Patterns are globs matched against the whole (trimmed) text: `*` is any run of characters,
 * `?` one character, everything else literal. Commands are split into simple commands at
 * `;`, `&`, `|`, newlines and the openings of substitutions and subshells. The split ignores
 * quoting, which only errs towards refusing: a quoted `;` makes an allow list stricter and a
 * deny list more thorough. This is a guard rail for well-meaning models, not a sandbox: an
 * allow list that admits an interpreter (`bash *`, `python *`) admits everything.
 */

export type SecurityMode = "unrestricted" | "allow_list" | "deny_list";

export type CommandCheck = { allowed: true } | { allowed: false; reason: string };

const SEPARATORS = /&&|\|\||[;&|\n\r]|\$\(|`|[()]/;

/** Compiles a glob into an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (const char of pattern) {
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export function globMatches(pattern: string, text: string): boolean {
  return globToRegExp(pattern.trim()).test(text.trim());
}

/** The simple commands of a command line (see the module comment for what splits them). */
export function simpleCommands(command: string): string[] {
  return command
    .split(SEPARATORS)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

export function checkCommand(
  command: string,
  mode: SecurityMode,
  patterns: readonly string[],
): CommandCheck {
  if (mode === "unrestricted") return { allowed: true };
  const parts = simpleCommands(command);
  if (mode === "deny_list") {
    for (const text of [command, ...parts]) {
      const hit = patterns.find((pattern) => globMatches(pattern, text));
      if (hit !== undefined) {
        return {
          allowed: false,
          reason: `Command refused: '${text.trim()}' matches the denied pattern '${hit}'.`,
        };
      }
    }
    return { allowed: true };
  }
  if (parts.length === 0) return { allowed: false, reason: "Command refused: it is empty." };
  const stray = parts.find((text) => !patterns.some((pattern) => globMatches(pattern, text)));
  if (stray === undefined) return { allowed: true };
  return {
    allowed: false,
    reason:
      `Command refused: '${stray}' matches none of the allowed patterns ` +
      `(${patterns.length > 0 ? patterns.map((p) => `'${p}'`).join(", ") : "none configured"}).`,
  };
}
