/**
 * Runs one shell command as its own process group. Detached spawning makes the shell a group
 * leader, so a timeout, an abort or a cancel can end the command and everything it started
 * (`kill(-pid)`), and nothing it forked outlives the call.
 */
import { spawn } from "node:child_process";
import { basename } from "node:path";
import { TailBuffer } from "./output.js";

/** How long a terminated group gets to exit on SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 1_000;
/** How long to wait for the output pipes after the group was killed. */
const PIPE_DRAIN_MS = 2_000;

export interface CommandSpec {
  program: string;
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Aborting kills the process group (turn interrupt, tool timeout, job cancel). */
  signal?: AbortSignal | undefined;
}

export interface CommandResult {
  /** Null when the process was ended by a signal (timeout, cancel). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationSecs: number;
}

/** The arguments that make `program` run `command` (`-c` for POSIX shells). */
export function shellArgs(program: string, command: string): string[] {
  const name = basename(program).toLowerCase();
  if (name === "pwsh" || name === "powershell") return ["-NoProfile", "-Command", command];
  return ["-c", command];
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Process groups started by this worker and not yet reaped. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Commands run in their own process groups, so they would outlive the worker. At exit the
 * remaining groups are SIGKILLed synchronously (an exit handler cannot wait; SIGKILL needs not).
 */
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const group of liveGroups) killGroup(group, "SIGKILL");
  });
}

/**
 * Runs the command to its end. Rejects only when the program cannot be started (not found,
 * not executable); a failing command resolves with its exit code.
 */
export function runCommand(spec: CommandSpec): Promise<CommandResult> {
  const started = performance.now();
  const child = spawn(spec.program, shellArgs(spec.program, spec.command), {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid !== undefined) trackGroup(pid);
  const stdout = new TailBuffer(spec.maxOutputBytes);
  const stderr = new TailBuffer(spec.maxOutputBytes);
  child.stdout.on("data", (chunk: Buffer) => {
    stdout.push(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr.push(chunk);
  });

  const state = {
    exited: false,
    timedOut: false,
    aborted: false,
    exitCode: null as number | null,
  };
  const timers: NodeJS.Timeout[] = [];
  const terminate = () => {
    killGroup(pid, "SIGTERM");
    timers.push(
      setTimeout(() => {
        killGroup(pid, "SIGKILL");
      }, KILL_GRACE_MS),
    );
  };
  timers.push(
    setTimeout(() => {
      if (state.exited) return;
      state.timedOut = true;
      terminate();
    }, spec.timeoutMs),
  );
  const onAbort = () => {
    if (state.exited || state.timedOut) return;
    state.aborted = true;
    terminate();
  };
  spec.signal?.addEventListener("abort", onAbort, { once: true });
  if (spec.signal?.aborted) onAbort();

  return new Promise<CommandResult>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (pid !== undefined) liveGroups.delete(pid);
      for (const timer of timers) clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
      if (error) {
        reject(error);
        return;
      }
      resolve({
        exitCode: state.exitCode,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut: state.timedOut,
        aborted: state.aborted,
        durationSecs: Math.round(performance.now() - started) / 1000,
      });
    };
    child.once("error", (error) => {
      finish(new Error(`could not start '${spec.program}': ${error.message}`));
    });
    child.once("exit", (code) => {
      state.exited = true;
      state.exitCode = code;
      // The shell is gone; whatever it left running in its group would hold the output pipes
      // open (and outlive the call), so the group goes too.
      killGroup(pid, "SIGKILL");
      // A process that left the group (setsid) may still hold a pipe: do not wait for it.
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, PIPE_DRAIN_MS),
      );
    });
    child.once("close", () => {
      finish();
    });
  });
}
