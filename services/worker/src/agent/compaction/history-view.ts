import type { CompactionRow, StoredMessage } from "@meerkat/shared/db";
import type { TranscriptMessage } from "@meerkat/shared/domain";
import type { LlmMessage } from "@meerkat/shared/llm";
import { transcriptToLlm } from "../transcript.js";

export const SUMMARY_HEADER = "[Summary of the earlier conversation]";

/** The summary as the model sees it: a leading user message (every provider accepts one). */
export function summaryMessage(summary: string): TranscriptMessage {
  return { role: "user", content: `${SUMMARY_HEADER}\n${summary}` };
}

export interface HistoryView {
  /** What the model is sent. */
  messages: LlmMessage[];
  /** The stored messages it shows verbatim (after the summary, if any). */
  tail: StoredMessage[];
  /** The summary it starts with, if any. */
  summary: string | undefined;
}

/** The model's view of a transcript: the latest summary plus what came after it, or everything. */
export function historyView(
  transcript: readonly StoredMessage[],
  latest: Pick<CompactionRow, "throughSeq" | "summary"> | undefined,
): HistoryView {
  const tail = latest
    ? transcript.filter((message) => message.seq > latest.throughSeq)
    : [...transcript];
  return { messages: summarisedHistory(latest?.summary, tail), tail, summary: latest?.summary };
}

export function summarisedHistory(
  summary: string | undefined,
  tail: readonly StoredMessage[],
): LlmMessage[] {
  const bodies = tail.map((message) => message.body);
  // transcriptToLlm merges the summary with a following user message (roles must alternate).
  return transcriptToLlm(summary === undefined ? bodies : [summaryMessage(summary), ...bodies]);
}
