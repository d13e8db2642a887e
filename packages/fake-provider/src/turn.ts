/**
 * Resolves a scripted reply (or the default echo) into a wire-neutral turn that the wire
 * encoders serialize.
 */
import type { ConversationSummary } from "./conversation.js";
import type { FakeReply, FakeStopReason } from "./types.js";

export interface TurnToolCall {
  /** Undefined when the reply did not fix one; the wire encoder generates one. */
  id: string | undefined;
  name: string;
  /** Serialized JSON arguments. */
  arguments: string;
}

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

export interface Turn {
  text: string;
  /** Streaming pieces of `text`; empty when the text is empty. */
  chunks: string[];
  toolCalls: TurnToolCall[];
  reasoning: string | undefined;
  usage: TurnUsage;
  stopReason: FakeStopReason;
}

const DEFAULT_CHUNK_COUNT = 4;

/** Splits text at word boundaries into at most `maxChunks` pieces that concatenate back to it. */
export function splitIntoChunks(text: string, maxChunks = DEFAULT_CHUNK_COUNT): string[] {
  if (text === "") return [];
  const words = text.match(/\s*\S+\s*/g);
  if (!words || words.length <= 1) return [text];
  const perChunk = Math.ceil(words.length / maxChunks);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += perChunk) {
    chunks.push(words.slice(i, i + perChunk).join(""));
  }
  return chunks;
}

export function countWords(text: string): number {
  const words = text.match(/\S+/g);
  return words ? words.length : 0;
}

function replyText(reply: FakeReply, summary: ConversationSummary): string {
  if (reply.chunks) return reply.chunks.join("");
  if (reply.text !== undefined) return reply.text;
  if (reply.json !== undefined) return JSON.stringify(reply.json);
  // A reply that only calls tools has no text; otherwise fall back to the echo.
  if (reply.toolCalls && reply.toolCalls.length > 0) return "";
  return summary.endsWithToolResults ? "Done." : `Echo: ${summary.lastUserText}`;
}

export function resolveTurn(reply: FakeReply, summary: ConversationSummary): Turn {
  const text = replyText(reply, summary);
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id,
    name: call.name,
    arguments: JSON.stringify(call.args),
  }));
  const usage = reply.usage ?? {};
  return {
    text,
    chunks: reply.chunks ? reply.chunks.filter((chunk) => chunk !== "") : splitIntoChunks(text),
    toolCalls,
    reasoning: reply.reasoning === "" ? undefined : reply.reasoning,
    usage: {
      inputTokens: usage.inputTokens ?? Math.max(1, Math.ceil(summary.chars / 4)),
      outputTokens: usage.outputTokens ?? Math.max(1, countWords(text)),
      cacheCreationTokens: usage.cacheCreationTokens ?? 0,
      cacheReadTokens: usage.cacheReadTokens ?? 0,
    },
    stopReason: reply.stopReason ?? (toolCalls.length > 0 ? "tool_use" : "end_turn"),
  };
}

/** Splits a serialized JSON string in two (at a safe UTF-16 boundary) to exercise accumulation. */
export function splitInTwo(text: string): string[] {
  if (text.length < 2) return [text];
  let mid = Math.floor(text.length / 2);
  const code = text.charCodeAt(mid);
  if (code >= 0xdc00 && code <= 0xdfff) mid += 1;
  return [text.slice(0, mid), text.slice(mid)].filter((piece) => piece !== "");
}
