import { saveCompaction, type StoredMessage } from "@meerkat/shared/db";
import { contextWindowOf, newId } from "@meerkat/shared/domain";
import { describeError } from "@meerkat/shared/errors";
import type { LlmMessage } from "@meerkat/shared/llm";
import { toLlmContent } from "../transcript.js";
import { TurnAbort } from "../turn-lease.js";
import { CHARS_PER_TOKEN, estimateContentTokens, estimateTokens } from "./estimate.js";
import { historyView, summarisedHistory } from "./history-view.js";
import { compactedMemories } from "./memory-index.js";
import { renderTranscript } from "./render.js";
import { CONTEXT_WINDOW_SHARE, shouldCompact } from "./policy.js";
import { countUserTurns, splitForCompaction, type CompactionSplit } from "./split.js";
import { summarise } from "./summarise.js";
import type { CompactionInput, Compactor } from "./types.js";

/** User turns committed after `since` (the compacting turn's own prompt included). */
function turnsAfter(transcript: readonly StoredMessage[], since: Date): number {
  return countUserTurns(transcript.filter((message) => message.createdAt > since));
}

/**
 * The history of a run: the latest summary plus the messages after it (or the whole transcript),
 * compacted first when it has grown past the threshold. The stored transcript never changes;
 * a failed compaction is reported and the uncompacted history is used.
 */
export const compactHistory: Compactor = async (input) => {
  const { run, transcript } = input;
  const settings = run.config.compaction;
  // A session with no transcript yet has nothing to compact.
  if (transcript.length === 0) return [];
  const latest = input.latestCompaction;
  const view = historyView(transcript, latest);
  if (!settings.enabled) return view.messages;

  const contextWindow = contextWindowOf(input.model);
  const historyTokens = estimateTokens(view.messages);
  const wanted = shouldCompact({
    settings,
    contextWindow,
    historyTokens,
    userTurns: countUserTurns(transcript),
    turnsSinceLast: latest ? turnsAfter(transcript, latest.createdAt) : undefined,
  });
  if (!wanted) return view.messages;
  const split = splitForCompaction(view.tail, settings.recent_turn_budget);
  if (!split) return view.messages;

  run.emit({
    type: "compaction_started",
    input_tokens: historyTokens + estimateContentTokens(toLlmContent(run.turn.input.prompt ?? "")),
    estimated_history_tokens: historyTokens,
    message_count: view.messages.length,
  });
  try {
    return await compact(input, view.summary, split, view.messages.length, contextWindow);
  } catch (error) {
    if (run.signal.aborted || error instanceof TurnAbort) throw error;
    run.logger.warn({ err: error }, "compaction failed; the run uses the uncompacted history");
    run.emit({ type: "compaction_failed", error: describeError(error) });
    return view.messages;
  }
};

async function compact(
  input: CompactionInput,
  previousSummary: string | undefined,
  split: CompactionSplit,
  messagesBefore: number,
  contextWindow: number,
): Promise<LlmMessage[]> {
  const { run } = input;
  const settings = run.config.compaction;
  const summary = await summarise({
    run,
    provider: input.provider,
    model: input.model,
    previousSummary,
    older: renderTranscript(split.older.map((message) => message.body)),
    maxTokens: settings.max_summary_tokens,
    onUsage: input.onUsage,
    maxChars:
      Math.max(
        1_000,
        Math.floor((contextWindow - settings.max_summary_tokens) * CONTEXT_WINDOW_SHARE),
      ) * CHARS_PER_TOKEN,
  });
  const firstSeq = split.older[0]?.seq ?? 0;
  const memories = compactedMemories(input.transcript, {
    afterSeq: firstSeq - 1,
    throughSeq: split.throughSeq,
  }).map((memory) => ({ ...memory, id: newId() }));
  const held = await saveCompaction(run.db, run.fence, {
    id: newId(),
    sessionId: run.session.id,
    realmId: run.session.realmId,
    throughSeq: split.throughSeq,
    summary: summary.text,
    summaryTokens: summary.tokens,
    memories,
  });
  if (!held) throw new TurnAbort("fenced");
  const messages = summarisedHistory(summary.text, split.kept);
  run.emit({
    type: "compaction_completed",
    summary_tokens: summary.tokens,
    messages_before: messagesBefore,
    messages_after: messages.length,
  });
  run.logger.info(
    { throughSeq: split.throughSeq, summaryTokens: summary.tokens, memories: memories.length },
    "history compacted",
  );
  return messages;
}
