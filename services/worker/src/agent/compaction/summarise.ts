import type { Usage } from "@meerkat/shared/domain";
import type { LlmProvider } from "@meerkat/shared/llm";
import { callModel } from "../llm-call.js";
import type { RunContext } from "../run-context.js";
import { estimateTextTokens } from "./estimate.js";

export const SUMMARY_SYSTEM_PROMPT =
  "You condense conversations between a user and an AI assistant. Your summary replaces the earlier messages in the assistant's context, so it must carry everything the assistant needs to continue.";

/** The instruction of the summarisation call (tests script the reply by matching on it). */
export const SUMMARY_INSTRUCTION = `Summarise the earlier part of the conversation below so the assistant can continue without it. Keep: the user's goals and constraints, decisions and their reasons, facts, names, identifiers, numbers and file paths that may matter later, what was done (including tool calls that changed something and their results), and open questions or unfinished work. Drop pleasantries and repetition. Write plain prose or short bullet points, in the conversation's language, without any preamble.`;

export interface SummaryRequest {
  run: RunContext;
  provider: LlmProvider;
  model: string;
  /** The summary of an earlier compaction, folded into the new one. */
  previousSummary: string | undefined;
  /** The older messages to fold in, rendered as text (renderTranscript / renderLlmMessages). */
  older: string;
  maxTokens: number;
  /** Largest prompt to send, in characters (older text beyond it is dropped, oldest first). */
  maxChars: number;
  onUsage?: ((usage: Usage) => void) | undefined;
}

export interface Summary {
  text: string;
  tokens: number;
}

function summaryPrompt(request: SummaryRequest): string {
  const previous = request.previousSummary
    ? `<earlier-summary>\n${request.previousSummary}\n</earlier-summary>\n\n`
    : "";
  let conversation = request.older;
  const room = Math.max(1_000, request.maxChars - previous.length - SUMMARY_INSTRUCTION.length);
  if (conversation.length > room) {
    conversation = `[… older messages omitted …]\n${conversation.slice(conversation.length - room)}`;
  }
  return `${SUMMARY_INSTRUCTION}\n\n${previous}<conversation>\n${conversation}\n</conversation>`;
}

/** One model call, without tools and without streaming events to the session. */
export async function summarise(request: SummaryRequest): Promise<Summary> {
  const { run } = request;
  const reply = await callModel({
    provider: request.provider,
    request: {
      model: request.model,
      system: SUMMARY_SYSTEM_PROMPT,
      messages: [{ role: "user", content: summaryPrompt(request) }],
      maxTokens: request.maxTokens,
    },
    signal: run.signal,
    config: run.config,
    emit: run.emit,
    streamEvents: false,
    // The run's budget clock starts after the history is built; retries are bounded by config.
    remainingMs: () => Number.POSITIVE_INFINITY,
  });
  request.onUsage?.(reply.usage);
  const text = reply.text.trim();
  if (text === "") throw new Error("the model returned an empty summary");
  const tokens = reply.usage.outputTokens > 0 ? reply.usage.outputTokens : estimateTextTokens(text);
  return { text, tokens };
}
