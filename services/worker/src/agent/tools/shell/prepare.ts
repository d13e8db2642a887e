/**
 * Turns a `shell` call into a command spec, or into the refusal the model sees: the security
 * mode, the working directory and the scrubbed environment are all decided here, before any
 * process exists.
 */
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { toolError, type ToolCallContext, type ToolOutput } from "../types.js";
import { buildShellEnv } from "./env.js";
import { workingDirFor } from "./paths.js";
import type { CommandSpec } from "./process.js";
import { checkCommand } from "./security.js";

export interface ShellArgs {
  command: string;
  working_dir?: string;
  timeout_secs?: number;
  background?: boolean;
}

export type Prepared = { ok: true; spec: CommandSpec } | { ok: false; output: ToolOutput };

export async function prepareCommand(args: ShellArgs, ctx: ToolCallContext): Promise<Prepared> {
  const { run } = ctx;
  const shell = run.config.shell;
  const check = checkCommand(args.command, shell.security_mode, shell.security_patterns);
  if (!check.allowed) return { ok: false, output: toolError(check.reason) };

  await mkdir(run.workDir, { recursive: true });
  const cwd = await workingDirFor(run.workDir, args.working_dir);
  if (!cwd.ok) return { ok: false, output: toolError(cwd.message) };

  return {
    ok: true,
    spec: {
      program: shell.program,
      command: args.command,
      cwd: cwd.path,
      env: buildShellEnv({
        workDir: run.workDir,
        tmpDir: tmpdir(),
        inherited: process.env,
        sessionEnv: run.session.settings.shell_env,
      }),
      timeoutMs: (args.timeout_secs ?? shell.timeout_secs) * 1000,
      maxOutputBytes: shell.max_output_bytes,
    },
  };
}
