import type { StoredMessage } from "@meerkat/shared/db";
import type { TranscriptMessage } from "@meerkat/shared/domain";

/** Where a compaction cuts the history: `older` is summarised, `kept` stays verbatim. */
export interface CompactionSplit {
  older: StoredMessage[];
  kept: StoredMessage[];
  /** The last seq the summary stands for. */
  throughSeq: number;
}

/** A user turn is a user message and everything after it up to the next one. */
export function countUserTurns(messages: readonly { body: TranscriptMessage }[]): number {
  return messages.filter((message) => message.body.role === "user").length;
}

function toolUseIds(body: TranscriptMessage): string[] {
  if (body.role !== "block_assistant") return [];
  return body.blocks.flatMap((block) => (block.block_type === "tool_use" ? [block.data.id] : []));
}

/**
 * Moves `cut` earlier until no tool result at or after it answers a tool call before it: a
 * provider rejects a tool result whose call it cannot see, so a pair always stays on one side.
 */
function keepToolPairsTogether(messages: readonly StoredMessage[], cut: number): number {
  let boundary = cut;
  for (;;) {
    const callAt = new Map<string, number>();
    messages.slice(0, boundary).forEach((message, index) => {
      for (const id of toolUseIds(message.body)) callAt.set(id, index);
    });
    let earliest = boundary;
    for (const message of messages.slice(boundary)) {
      if (message.body.role !== "tool_results") continue;
      for (const result of message.body.results) {
        const index = callAt.get(result.tool_use_id);
        if (index !== undefined) earliest = Math.min(earliest, index);
      }
    }
    if (earliest === boundary) return boundary;
    boundary = earliest;
  }
}

function hasConversation(messages: readonly StoredMessage[]): boolean {
  return messages.some((message) => message.body.role !== "system");
}

/**
 * Keeps the last `recentTurnBudget` user turns verbatim and returns the part before them, or
 * undefined when there is nothing older than the recent turns to summarise.
 */
export function splitForCompaction(
  messages: readonly StoredMessage[],
  recentTurnBudget: number,
): CompactionSplit | undefined {
  const turnStarts = messages.flatMap((message, index) =>
    message.body.role === "user" ? [index] : [],
  );
  const budget = Math.max(1, recentTurnBudget);
  if (turnStarts.length <= budget) return undefined;
  const firstKept = turnStarts[turnStarts.length - budget];
  if (firstKept === undefined) return undefined;
  const cut = keepToolPairsTogether(messages, firstKept);
  const older = messages.slice(0, cut);
  const last = older.at(-1);
  if (!last || !hasConversation(older)) return undefined;
  return { older, kept: messages.slice(cut), throughSeq: last.seq };
}
