import type { Redis } from "ioredis";
import {
  controlChannel,
  sessionChannel,
  turnsChannel,
  type ControlMessage,
  type SessionEventBatch,
  type TurnOutcomeMessage,
} from "./channels.js";

export interface RealtimePublisher {
  /** Publishes committed events and, when given, the turn outcome, in one round trip. */
  publish(batch: SessionEventBatch | null, outcome?: TurnOutcomeMessage): Promise<void>;
  control(message: ControlMessage): Promise<void>;
}

/**
 * Publishing is best effort by design: every event is already committed, and subscribers
 * recover anything they miss from Postgres (gap detection, reconnect resync, periodic checks).
 */
export function createPublisher(redis: Redis, namespace: string): RealtimePublisher {
  return {
    async publish(batch, outcome) {
      const pipeline = redis.pipeline();
      if (batch && batch.events.length > 0) {
        pipeline.publish(sessionChannel(namespace, batch.session_id), JSON.stringify(batch));
      }
      if (outcome) pipeline.publish(turnsChannel(namespace), JSON.stringify(outcome));
      if (pipeline.length > 0) await pipeline.exec();
    },
    async control(message) {
      await redis.publish(controlChannel(namespace), JSON.stringify(message));
    },
  };
}
