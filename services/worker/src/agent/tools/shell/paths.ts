/**
 * Keeps the shell's working directory inside the session's scratch directory. This bounds where
 * a command starts, not what it may touch: the shell is a guard-railed tool, not a sandbox.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";

/** True when `candidate` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === "" || (!isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`));
}

/**
 * Resolves `requested` against `root` (relative paths resolve under it, absolute ones must
 * already point inside it). Returns undefined when the path escapes `root`, lexically.
 */
export function resolveInside(root: string, requested: string | undefined): string | undefined {
  const base = resolve(root);
  const target = requested === undefined || requested === "" ? base : resolve(base, requested);
  return isInside(base, target) ? target : undefined;
}

export type WorkingDir = { ok: true; path: string } | { ok: false; message: string };

/**
 * The directory a command runs in: `requested` resolved inside `root`, then checked again after
 * following symlinks, so a link pointing out of the scratch directory is refused too.
 */
export async function workingDirFor(
  root: string,
  requested: string | undefined,
): Promise<WorkingDir> {
  const lexical = resolveInside(root, requested);
  if (lexical === undefined) {
    return {
      ok: false,
      message: `working_dir '${requested ?? ""}' is outside the session's working directory; use a path relative to it`,
    };
  }
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    return { ok: false, message: `working_dir not found: ${requested ?? "."}` };
  }
  if (!isInside(await realpath(root), real)) {
    return {
      ok: false,
      message: `working_dir '${requested ?? ""}' resolves outside the session's working directory`,
    };
  }
  return { ok: true, path: real };
}
