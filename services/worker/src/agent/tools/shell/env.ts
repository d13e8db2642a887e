/**
 * The environment a shell command sees: built from scratch, never inherited. The worker's own
 * environment holds provider keys and database/Redis URLs; a command (or a model asked to
 * print `env`) must not see them. Only what a shell needs to work is carried over, plus the
 * session's `shell_env` (the API client's explicit choice).
 */

const FALLBACK_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ShellEnvInput {
  /** The session's scratch directory; also HOME, so dotfiles land there. */
  workDir: string;
  tmpDir: string;
  /** The worker's environment, read for PATH and locale only. */
  inherited: Readonly<Record<string, string | undefined>>;
  /** The session's `shell_env`. */
  sessionEnv?: Readonly<Record<string, string>> | null | undefined;
}

export function buildShellEnv(input: ShellEnvInput): Record<string, string> {
  const { inherited } = input;
  const env: Record<string, string> = {
    PATH: inherited["PATH"] ?? FALLBACK_PATH,
    HOME: input.workDir,
    LANG: inherited["LANG"] ?? "C.UTF-8",
    TERM: "dumb",
    TMPDIR: input.tmpDir,
  };
  const lcAll = inherited["LC_ALL"];
  if (lcAll !== undefined) env["LC_ALL"] = lcAll;
  for (const [name, value] of Object.entries(input.sessionEnv ?? {})) {
    // A name with `=` or a NUL would corrupt the environment block; such entries are skipped.
    if (ENV_NAME.test(name) && !value.includes("\0")) env[name] = value;
  }
  return env;
}
