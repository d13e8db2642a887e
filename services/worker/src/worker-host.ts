import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "@meerkat/shared/observability";
import { QUEUES, QUEUE_NAMES, type QueueName } from "@meerkat/shared/queues";
import type { HandlerTable } from "./jobs/handlers.js";

export interface WorkerHostOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  logger: Logger;
  handlers: HandlerTable;
}

export interface WorkerHost {
  /** Stops taking jobs and waits for the active ones (bounded by the caller's deadline). */
  close(): Promise<void>;
  readonly running: boolean;
}

/** One BullMQ Worker per catalog queue, each dispatching to its typed handler. */
export function createWorkerHost(options: WorkerHostOptions): WorkerHost {
  const workers = QUEUE_NAMES.map((name) => createQueueWorker(name, options));
  let running = true;
  return {
    async close() {
      running = false;
      await Promise.allSettled(workers.map((worker) => worker.close()));
    },
    get running() {
      return running;
    },
  };
}

function createQueueWorker(name: QueueName, options: WorkerHostOptions): Worker {
  const handler = options.handlers[name];
  const worker = new Worker(
    name,
    async (job: Job) => {
      const payload = QUEUES[name].payload.parse(job.data);
      return handler(payload);
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      // Turns run long; BullMQ renews this lock while the processor runs.
      lockDuration: 60_000,
      maxStalledCount: 2,
    },
  );
  worker.on("error", (err) => {
    options.logger.warn({ err, queue: name }, "queue worker error");
  });
  worker.on("failed", (job, err) => {
    options.logger.warn(
      { err, queue: name, jobId: job?.id, attempt: job?.attemptsMade },
      "job failed",
    );
  });
  return worker;
}
