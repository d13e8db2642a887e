import type { CompactedMemory, StoredMessage } from "@meerkat/shared/db";
import { renderMessage } from "./render.js";

/** Longest memory row: long enough for a turn's gist, short enough to rank and show. */
export const MEMORY_CHARS = 8_000;

/**
 * The text a compaction folds away, one memory per user turn (a question with its answer is the
 * unit worth finding again), tagged with the session's 0-based turn number.
 */
export function compactedMemories(
  transcript: readonly StoredMessage[],
  range: { afterSeq: number; throughSeq: number },
): CompactedMemory[] {
  const byTurn = new Map<number | null, string[]>();
  let turn: number | null = null;
  for (const message of transcript) {
    if (message.body.role === "user") turn = turn === null ? 0 : turn + 1;
    if (message.seq <= range.afterSeq || message.seq > range.throughSeq) continue;
    const text = renderMessage(message.body);
    if (text === "") continue;
    const lines = byTurn.get(turn) ?? [];
    lines.push(text);
    byTurn.set(turn, lines);
  }
  return [...byTurn.entries()].map(([index, lines]) => {
    const content = lines.join("\n\n");
    return {
      turn: index,
      content: content.length > MEMORY_CHARS ? `${content.slice(0, MEMORY_CHARS)}…` : content,
    };
  });
}
