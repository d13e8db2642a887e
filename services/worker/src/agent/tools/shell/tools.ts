/** The shell tools: `shell` (foreground or background) and the background-job tools. */
import { toolError, toolJson, type Tool, type ToolOutput } from "../types.js";
import type { JobRegistry } from "./jobs.js";
import { prepareCommand, type ShellArgs } from "./prepare.js";
import { runCommand } from "./process.js";
import {
  shellJobCancelSchema,
  shellJobsSchema,
  shellJobStatusSchema,
  shellSchema,
} from "./schemas.js";

function unknownJob(jobId: string): ToolOutput {
  return toolError(
    `Unknown background job '${jobId}' in this session. Background jobs live in the memory of ` +
      "the worker that started them: they do not survive a worker restart, and this turn may " +
      "be running on a different worker. Use shell_jobs to see the jobs known here; re-run the " +
      "command if you still need its result.",
  );
}

function shellTool(jobs: JobRegistry): Tool {
  return {
    name: "shell",
    description:
      "Run a shell command in this session's working directory and get {exit_code, stdout, " +
      "stderr, timed_out, duration_secs}. Use it to inspect files, run programs, builds and " +
      "tests. The command is killed (with everything it started) after timeout_secs; only the " +
      "last bytes of long output are kept. The environment is minimal (PATH, HOME=working " +
      "directory, plus the session's shell_env). With background: true it returns a job_id at " +
      "once; check it with shell_job_status.",
    inputSchema: shellSchema,
    // The command's own timeout (plus time to kill it and collect output) wins over the
    // general tool timeout, so a long build is not cut short by the default.
    timeoutMsFor: (raw, run) => {
      const args = raw as unknown as ShellArgs;
      return args.background === true
        ? undefined
        : (args.timeout_secs ?? run.config.shell.timeout_secs) * 1000 + 5_000;
    },
    async execute(raw, ctx) {
      const args = raw as unknown as ShellArgs;
      const prepared = await prepareCommand(args, ctx);
      if (!prepared.ok) return prepared.output;
      if (args.background === true) {
        const started = jobs.start(ctx.run.session.id, prepared.spec);
        if (typeof started === "string") return toolError(started);
        return toolJson({
          job_id: started.job_id,
          status: "running",
          message:
            `Started in the background. Check it with shell_job_status {"job_id": "${started.job_id}"}, ` +
            "stop it with shell_job_cancel.",
        });
      }
      let result;
      try {
        result = await runCommand({ ...prepared.spec, signal: ctx.signal });
      } catch (error) {
        return toolError(error instanceof Error ? error.message : String(error));
      }
      if (result.aborted) return toolError("The command was stopped: the tool call was aborted.");
      return toolJson({
        exit_code: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        timed_out: result.timedOut,
        duration_secs: result.durationSecs,
      });
    },
  };
}

function shellJobsTool(jobs: JobRegistry): Tool {
  return {
    name: "shell_jobs",
    description:
      "List this session's background shell jobs on this worker (id, command, status, start).",
    inputSchema: shellJobsSchema,
    execute(_args, ctx) {
      return Promise.resolve(toolJson(jobs.list(ctx.run.session.id)));
    },
  };
}

function shellJobStatusTool(jobs: JobRegistry): Tool {
  return {
    name: "shell_job_status",
    description:
      "Get a background job's status (running, completed, failed, timed_out, cancelled); once " +
      "it has finished, also its exit_code, stdout and stderr.",
    inputSchema: shellJobStatusSchema,
    execute(raw, ctx) {
      const { job_id: jobId } = raw as { job_id: string };
      const status = jobs.status(ctx.run.session.id, jobId);
      return Promise.resolve(status ? toolJson(status) : unknownJob(jobId));
    },
  };
}

function shellJobCancelTool(jobs: JobRegistry): Tool {
  return {
    name: "shell_job_cancel",
    description: "Stop a running background job and everything it started.",
    inputSchema: shellJobCancelSchema,
    async execute(raw, ctx) {
      const { job_id: jobId } = raw as { job_id: string };
      const outcome = await jobs.cancel(ctx.run.session.id, jobId);
      if (outcome === undefined) return unknownJob(jobId);
      if (outcome === "not_running") {
        const status = jobs.status(ctx.run.session.id, jobId);
        return toolError(`Job ${jobId} is not running (status: ${status?.status ?? "unknown"}).`);
      }
      return toolJson(outcome);
    },
  };
}

export function shellTools(jobs: JobRegistry): Tool[] {
  return [shellTool(jobs), shellJobsTool(jobs), shellJobStatusTool(jobs), shellJobCancelTool(jobs)];
}
