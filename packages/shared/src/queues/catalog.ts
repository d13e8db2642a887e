/**
 * Every queue, its payload schema and default job options. Payloads carry ids only: BullMQ
 * stores job data in clear text, and Postgres holds the real input. A field added later stays
 * optional until no old job can remain in a queue.
 */
import type { JobsOptions } from "bullmq";
import { z } from "zod";

export const QUEUES = {
  "agent-turn": {
    payload: z.object({ turnId: z.uuid() }),
    jobOptions: {
      // Correctness comes from the database claim; BullMQ retries only cover transient
      // failures such as Postgres being briefly unreachable during the claim.
      attempts: 5,
      backoff: { type: "exponential", delay: 500 },
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 86_400 },
    } satisfies JobsOptions,
  },
} as const;

export type QueueName = keyof typeof QUEUES;
export type QueuePayload<Q extends QueueName> = z.infer<(typeof QUEUES)[Q]["payload"]>;

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/** Deterministic job ids: a duplicate enqueue of the same work is a no-op in BullMQ. */
export function turnJobId(turnId: string, recovery = 0): string {
  return recovery === 0 ? `turn-${turnId}` : `turn-${turnId}-r${recovery}`;
}
