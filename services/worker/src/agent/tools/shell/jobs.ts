/**
 * Background shell jobs (`shell {background: true}`), kept in this worker process's memory and
 * keyed by session. They are deliberately not durable: a job is a live process of this worker,
 * so it ends with the worker (process.ts kills its group at exit) and a later turn of the session may
 * run on another worker that has never heard of it. Status of an unknown job therefore says so
 * plainly rather than pretending the job failed.
 */
import { newId } from "@meerkat/shared/domain";
import { runCommand, type CommandResult, type CommandSpec } from "./process.js";

export type JobStatus = "running" | "completed" | "failed" | "timed_out" | "cancelled";

/** Running jobs one session may have at once. */
export const MAX_RUNNING_JOBS_PER_SESSION = 10;
/** Finished jobs are forgotten after this long, or beyond this many per session. */
const FINISHED_JOB_TTL_MS = 60 * 60 * 1000;
const MAX_FINISHED_JOBS_PER_SESSION = 100;

interface Job {
  id: string;
  command: string;
  startedAt: Date;
  status: JobStatus;
  result?: CommandResult;
  error?: string;
  finishedAt?: number;
  controller: AbortController;
  done: Promise<void>;
}

export interface JobSummary {
  job_id: string;
  command: string;
  status: JobStatus;
  started_at: string;
  duration_secs?: number;
}

export interface JobDetails extends JobSummary {
  exit_code?: number | null;
  stdout?: string;
  stderr?: string;
  timed_out?: boolean;
  error?: string;
}

function statusOf(result: CommandResult): JobStatus {
  if (result.timedOut) return "timed_out";
  if (result.aborted) return "cancelled";
  return "completed";
}

export class JobRegistry {
  readonly #bySession = new Map<string, Map<string, Job>>();

  /** Starts `spec` in the background for `sessionId`; a string is a refusal to show the model. */
  start(sessionId: string, spec: Omit<CommandSpec, "signal">): JobSummary | string {
    const jobs = this.#jobsOf(sessionId);
    this.#prune(jobs);
    const running = [...jobs.values()].filter((job) => job.status === "running").length;
    if (running >= MAX_RUNNING_JOBS_PER_SESSION) {
      return `Too many background jobs are running in this session (${running}); wait for one to finish or cancel one with shell_job_cancel.`;
    }
    const controller = new AbortController();
    const job: Job = {
      id: `job_${newId()}`,
      command: spec.command,
      startedAt: new Date(),
      status: "running",
      controller,
      done: Promise.resolve(),
    };
    job.done = runCommand({ ...spec, signal: controller.signal }).then(
      (result) => {
        job.result = result;
        job.status = statusOf(result);
        job.finishedAt = Date.now();
      },
      (error: unknown) => {
        job.error = error instanceof Error ? error.message : String(error);
        job.status = "failed";
        job.finishedAt = Date.now();
      },
    );
    jobs.set(job.id, job);
    return summarize(job);
  }

  list(sessionId: string): JobSummary[] {
    const jobs = this.#bySession.get(sessionId);
    if (!jobs) return [];
    this.#prune(jobs);
    if (jobs.size === 0) this.#bySession.delete(sessionId);
    return [...jobs.values()].map(summarize);
  }

  status(sessionId: string, jobId: string): JobDetails | undefined {
    const job = this.#bySession.get(sessionId)?.get(jobId);
    return job ? details(job) : undefined;
  }

  /** Cancels a running job and waits until its process group is gone. */
  async cancel(sessionId: string, jobId: string): Promise<JobDetails | "not_running" | undefined> {
    const job = this.#bySession.get(sessionId)?.get(jobId);
    if (!job) return undefined;
    if (job.status !== "running") return "not_running";
    job.controller.abort();
    await job.done;
    return details(job);
  }

  #jobsOf(sessionId: string): Map<string, Job> {
    let jobs = this.#bySession.get(sessionId);
    if (!jobs) {
      jobs = new Map();
      this.#bySession.set(sessionId, jobs);
    }
    return jobs;
  }

  #prune(jobs: Map<string, Job>): void {
    const now = Date.now();
    const finished = [...jobs.values()].filter((job) => job.finishedAt !== undefined);
    finished.forEach((job, index) => {
      const expired = now - (job.finishedAt ?? now) > FINISHED_JOB_TTL_MS;
      const surplus = index < finished.length - MAX_FINISHED_JOBS_PER_SESSION;
      if (expired || surplus) jobs.delete(job.id);
    });
  }
}

function summarize(job: Job): JobSummary {
  return {
    job_id: job.id,
    command: job.command,
    status: job.status,
    started_at: job.startedAt.toISOString(),
    ...(job.result ? { duration_secs: job.result.durationSecs } : {}),
  };
}

function details(job: Job): JobDetails {
  const summary = summarize(job);
  if (job.status === "failed") return { ...summary, error: job.error ?? "the job failed" };
  if (!job.result) return summary;
  return {
    ...summary,
    exit_code: job.result.exitCode,
    stdout: job.result.stdout,
    stderr: job.result.stderr,
    timed_out: job.result.timedOut,
  };
}
