import { contextWindowOf } from "@meerkat/shared/domain";
import { describeError } from "@meerkat/shared/errors";
import type { LlmContentBlock, LlmMessage, LlmProvider } from "@meerkat/shared/llm";
import type { Usage } from "@meerkat/shared/domain";
import type { RunContext } from "../run-context.js";
import { TurnAbort } from "../turn-lease.js";
import { CHARS_PER_TOKEN, estimateTokens } from "./estimate.js";
import { SUMMARY_HEADER } from "./history-view.js";
import { CONTEXT_WINDOW_SHARE, compactionThreshold, type CompactionSettings } from "./policy.js";
import { renderLlmMessages } from "./render.js";
import { summarise } from "./summarise.js";

export interface BoundaryCheck {
  settings: CompactionSettings;
  contextWindow: number;
  /** The model call about to be made (0 = the run's first). */
  step: number;
  /** The step of the last compaction; the run's start counts as one (step 0). */
  lastCompactionStep: number;
  /** Input tokens the previous model call reported. */
  lastInputTokens: number;
  /** Estimated tokens of the conversation the model would be sent. */
  estimatedTokens: number;
}

/**
 * Whether to compact at this LLM boundary (spec §11.4): enabled, never at the first boundary,
 * at least `min_turns_between_compactions` boundaries after the last compaction (the run's
 * start counts as one), and the last call's input or the estimate over the threshold.
 */
export function shouldCompactAtBoundary(check: BoundaryCheck): boolean {
  const { settings } = check;
  if (!settings.enabled || check.step < 1) return false;
  if (check.step - check.lastCompactionStep < Math.max(1, settings.min_turns_between_compactions)) {
    return false;
  }
  const tokens = Math.max(check.lastInputTokens, check.estimatedTokens);
  return tokens >= compactionThreshold(settings, check.contextWindow);
}

/** How a run's conversation is laid out: history first, then the run's input, then its rounds. */
export interface RunLayout {
  /** Leading messages from before this run (the committed history, maybe summarised). */
  historyLength: number;
  /** The run's input messages, right after the history. */
  inputLength: number;
}

export interface RunSplit {
  /** Summarised: the history, and the run's rounds before the kept ones. */
  older: LlmMessage[];
  input: LlmMessage[];
  /** Kept verbatim: the last rounds (each starts with an assistant message). */
  kept: LlmMessage[];
}

/**
 * Splits a run's conversation for compaction, keeping the input and the last `keepRounds`
 * model rounds (assistant message, its tool results, any steering after them) verbatim. With
 * too few rounds, only the history is summarised; with no history either, there is nothing to
 * fold and the answer is undefined.
 */
export function splitRun(
  conversation: readonly LlmMessage[],
  layout: RunLayout,
  keepRounds: number,
): RunSplit | undefined {
  const runStart = layout.historyLength + layout.inputLength;
  const history = conversation.slice(0, layout.historyLength);
  const input = conversation.slice(layout.historyLength, runStart);
  if (input.some((message) => message.role !== "user")) return undefined;
  const roundStarts: number[] = [];
  conversation.forEach((message, index) => {
    if (index >= runStart && message.role === "assistant") roundStarts.push(index);
  });
  const keep = Math.max(1, keepRounds);
  const cut =
    roundStarts.length > keep ? (roundStarts[roundStarts.length - keep] ?? runStart) : runStart;
  const older = [...history, ...conversation.slice(runStart, cut)];
  if (older.length === 0) return undefined;
  return { older, input, kept: conversation.slice(cut) };
}

function blocksOf(content: string | LlmContentBlock[]): LlmContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

/** The summary and the run's input as the one user message the compacted conversation opens with. */
export function summaryWithInput(summary: string, input: readonly LlmMessage[]): LlmMessage {
  const header = `${SUMMARY_HEADER}\n${summary}`;
  const blocks = input.flatMap((message) =>
    message.role === "user" ? blocksOf(message.content) : [],
  );
  if (blocks.every((block) => block.type === "text")) {
    return { role: "user", content: [header, ...blocks.map((block) => block.text)].join("\n\n") };
  }
  return { role: "user", content: [{ type: "text", text: header }, ...blocks] };
}

export interface BoundaryCompactorParams {
  run: RunContext;
  provider: LlmProvider;
  model: string;
  layout: RunLayout;
  onUsage: (usage: Usage) => void;
}

/**
 * Compaction inside a run, at the LLM boundaries between tool rounds: a long tool loop can
 * outgrow the context window within one turn. The conversation the model sees is replaced by a
 * summary (with the run's input kept verbatim) plus the recent rounds; nothing stored changes
 * (the transcript commits whole, and the next run compacts from it as usual). A failure is
 * reported and the run goes on uncompacted.
 */
export class BoundaryCompactor {
  readonly #params: BoundaryCompactorParams;
  readonly #contextWindow: number;
  #layout: RunLayout;
  #lastCompactionStep = 0;
  #summary: string | undefined;
  /** The run's own input, once a compaction merged it with the summary. */
  #input: LlmMessage[] | undefined;

  constructor(params: BoundaryCompactorParams) {
    this.#params = params;
    this.#layout = params.layout;
    this.#contextWindow = contextWindowOf(params.model);
  }

  /** Before the model call of `step`: the conversation to send instead, or undefined. */
  async atBoundary(
    step: number,
    conversation: readonly LlmMessage[],
    lastInputTokens: number,
  ): Promise<LlmMessage[] | undefined> {
    const { run } = this.#params;
    const settings = run.config.compaction;
    const estimatedTokens = estimateTokens(conversation);
    const wanted = shouldCompactAtBoundary({
      settings,
      contextWindow: this.#contextWindow,
      step,
      lastCompactionStep: this.#lastCompactionStep,
      lastInputTokens,
      estimatedTokens,
    });
    if (!wanted) return undefined;
    const split = splitRun(conversation, this.#layout, settings.recent_turn_budget);
    if (!split) return undefined;
    this.#lastCompactionStep = step;
    run.emit({
      type: "compaction_started",
      input_tokens: Math.max(lastInputTokens, estimatedTokens),
      estimated_history_tokens: estimateTokens(split.older),
      message_count: conversation.length,
    });
    try {
      const summary = await summarise({
        run,
        provider: this.#params.provider,
        model: this.#params.model,
        previousSummary: this.#summary,
        older: renderLlmMessages(split.older),
        maxTokens: settings.max_summary_tokens,
        onUsage: this.#params.onUsage,
        maxChars:
          Math.max(
            1_000,
            Math.floor((this.#contextWindow - settings.max_summary_tokens) * CONTEXT_WINDOW_SHARE),
          ) * CHARS_PER_TOKEN,
      });
      this.#summary = summary.text;
      // After a first compaction the leading message is the old summary with the input: the
      // new summary folds the old one in (previousSummary), and the input is restated as is.
      this.#input ??= split.input;
      const messages = [summaryWithInput(summary.text, this.#input), ...split.kept];
      this.#layout = { historyLength: 0, inputLength: 1 };
      run.emit({
        type: "compaction_completed",
        summary_tokens: summary.tokens,
        messages_before: conversation.length,
        messages_after: messages.length,
      });
      run.logger.info(
        { step, summaryTokens: summary.tokens, kept: split.kept.length },
        "conversation compacted inside the run",
      );
      return messages;
    } catch (error) {
      if (run.signal.aborted || error instanceof TurnAbort) throw error;
      run.logger.warn({ err: error }, "compaction failed; the run goes on uncompacted");
      run.emit({ type: "compaction_failed", error: describeError(error) });
      return undefined;
    }
  }
}
