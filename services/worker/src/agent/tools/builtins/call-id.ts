/**
 * Ids for rows a tool call creates, derived from the turn and the call instead of drawn at
 * random. Dispatch records each result so a re-claimed turn does not run a call again, but a
 * worker can die after a tool wrote its row and before the result was recorded; the re-run then
 * derives the same id and finds the row already there, so the task or memory is not doubled.
 * Call ids are unique within a turn (dispatch and its checkpoints rely on that too).
 */
import { createHash } from "node:crypto";

/** A version-8 UUID (RFC 9562, custom) from SHA-256 of `kind`, turn id and call id. */
export function callScopedUuid(kind: string, turnId: string, callId: string): string {
  const bytes = createHash("sha256").update(`${kind}\0${turnId}\0${callId}`).digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
