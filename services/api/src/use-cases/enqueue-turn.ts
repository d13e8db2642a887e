import { turnJobId } from "@meerkat/shared/queues";
import type { ServiceDeps } from "./deps.js";

/**
 * Hands a committed turn to the workers. The turn is already durable in Postgres, so a Redis
 * failure here only delays it: the workers' sweeper enqueues queued turns that have no job.
 */
export async function enqueueTurn(deps: ServiceDeps, turnId: string): Promise<void> {
  try {
    await deps.producer.enqueue("agent-turn", { turnId }, turnJobId(turnId));
  } catch (err) {
    deps.logger.warn({ err, turnId }, "enqueue failed; the sweeper will pick the turn up");
  }
}
