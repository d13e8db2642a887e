import { z } from "zod";
import { MAX_IDEMPOTENCY_KEY_LENGTH } from "../../use-cases/admit-input.js";

export const queuedSchema = z.object({ queued: z.literal(true) });

export const peerResponseTerminalSchema = z.strictObject({
  peer_id: z.uuid(),
  display_name: z.string().optional(),
  request_id: z.uuid(),
  status: z.enum(["completed", "failed", "cancelled"]),
  result: z.unknown().refine((value) => value !== undefined, { message: "result is required" }),
});

export const systemContextBodySchema = z.object({
  text: z.string(),
  source: z.string().nullish(),
  idempotency_key: z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).nullish(),
});

export const systemContextResultSchema = z.object({
  session_id: z.string(),
  status: z.enum(["staged", "applied", "duplicate"]),
});
