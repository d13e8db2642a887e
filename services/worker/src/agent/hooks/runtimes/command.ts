import { spawn } from "node:child_process";
import type { HookRuntimeConfig } from "@meerkat/shared/domain";
import type { HookInvocation } from "../invocation.js";
import { MAX_ANSWER_BYTES, parseAnswer } from "./output.js";

type CommandRuntime = Extract<HookRuntimeConfig, { type: "command" }>;

const STDERR_TAIL_CHARS = 2_000;

/** The variables a hook program starts with; the entry's `env` is merged on top. */
export function minimalEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "LANG"]) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("aborted");
}

/**
 * Spawns the hook program (no shell), writes the invocation JSON to its stdin and reads one
 * JSON object from its stdout once it exits. A non-zero exit, unparseable output or too much of
 * it fails the hook. The program runs in its own process group so that a timeout or abort kills
 * whatever it started too, not just the direct child.
 */
export function invokeCommand(
  runtime: CommandRuntime,
  invocation: HookInvocation,
  options: { baseEnv: Record<string, string>; signal: AbortSignal },
): Promise<unknown> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.command, runtime.args, {
      env: { ...options.baseEnv, ...runtime.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = "";
    let settled = false;

    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      outcome();
    };
    const fail = (error: Error) => {
      kill();
      settle(() => {
        reject(error);
      });
    };
    const onAbort = () => {
      fail(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });

    child.on("error", (error) => {
      fail(new Error(`could not run '${runtime.command}': ${error.message}`));
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_ANSWER_BYTES) {
        fail(new Error(`hook wrote more than ${MAX_ANSWER_BYTES} bytes to stdout`));
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    });
    child.on("close", (code, exitSignal) => {
      settle(() => {
        if (code !== 0) {
          const stderr = stderrTail.trim();
          reject(
            new Error(
              `'${runtime.command}' exited with ${code === null ? `signal ${String(exitSignal)}` : `code ${code}`}${stderr === "" ? "" : `: ${stderr}`}`,
            ),
          );
          return;
        }
        try {
          resolve(parseAnswer(Buffer.concat(stdout).toString("utf8"), "hook stdout"));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    // A program may exit without reading its stdin (EPIPE): its exit status decides.
    child.stdin.on("error", () => undefined);
    child.stdin.end(JSON.stringify(invocation));
  });
}
