import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { QUEUES, type QueueName, type QueuePayload } from "./catalog.js";

const PENDING_STATES: ReadonlySet<string> = new Set([
  "waiting",
  "delayed",
  "active",
  "prioritized",
  "waiting-children",
]);

export interface Producer {
  enqueue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, jobId: string): Promise<void>;
  /** Whether a job with this id is still waiting, delayed or running. */
  isPending(queue: QueueName, jobId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Typed producer over the catalog. Payloads are validated before they reach Redis, so a wrong
 * payload is a bug caught at the producer, not a poisoned job.
 */
export function createProducer(connection: Redis, prefix: string): Producer {
  const queues = new Map<QueueName, Queue>();
  function queueFor(name: QueueName): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix, defaultJobOptions: QUEUES[name].jobOptions });
      queue.on("error", () => undefined);
      queues.set(name, queue);
    }
    return queue;
  }
  return {
    async enqueue(name, payload, jobId) {
      const data = QUEUES[name].payload.parse(payload);
      await queueFor(name).add(name, data, { jobId });
    },
    async isPending(name, jobId) {
      const state = await queueFor(name).getJobState(jobId);
      return PENDING_STATES.has(state);
    },
    async close() {
      await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
    },
  };
}
