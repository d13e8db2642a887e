import type { CompactionRow, StoredMessage } from "@meerkat/shared/db";
import type { Usage } from "@meerkat/shared/domain";
import type { LlmMessage, LlmProvider } from "@meerkat/shared/llm";
import type { RunContext } from "../run-context.js";

export interface CompactionInput {
  run: RunContext;
  provider: LlmProvider;
  model: string;
  /** The committed transcript, oldest first, with seqs. */
  transcript: StoredMessage[];
  /** The session's newest compaction, if any (read with the transcript). */
  latestCompaction: CompactionRow | undefined;
  /** Receives the usage of the summary call (it counts in the run's usage). */
  onUsage?: ((usage: Usage) => void) | undefined;
}

/**
 * Builds the history the model sees at the start of a run: the committed transcript, or the
 * latest summary plus what came after it. When the history nears the model's context window it
 * summarises older messages first (compaction_* events); the stored transcript is never changed.
 */
export type Compactor = (input: CompactionInput) => Promise<LlmMessage[]>;
