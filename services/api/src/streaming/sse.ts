import type { EventEnvelope } from "@meerkat/shared/domain";

/** One SSE frame carrying a stored event: `id` is its seq, so clients can resume after it. */
export function eventFrame(envelope: EventEnvelope): string {
  return `id: ${envelope.seq}\nevent: ${envelope.payload.type}\ndata: ${JSON.stringify(envelope)}\n\n`;
}

/** A frame outside the seq stream (no `id`, so it never moves a client's Last-Event-ID). */
export function controlFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const HEARTBEAT_FRAME = ": heartbeat\n\n";
