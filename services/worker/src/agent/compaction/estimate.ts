import type { LlmContentBlock, LlmMessage } from "@meerkat/shared/llm";

/**
 * Rough token counts for compaction decisions: about four characters per token for text, a flat
 * cost per image (providers bill images by size; ~1600 tokens covers a typical screenshot).
 * Exactness does not matter here, only that the estimate grows with what the model is sent.
 */
export const CHARS_PER_TOKEN = 4;
export const IMAGE_TOKENS = 1_600;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateContentTokens(content: string | readonly LlmContentBlock[]): number {
  if (typeof content === "string") return estimateTextTokens(content);
  let chars = 0;
  let images = 0;
  for (const block of content) {
    if (block.type === "text") chars += block.text.length;
    else images += 1;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + images * IMAGE_TOKENS;
}

export function estimateTokens(messages: readonly LlmMessage[]): number {
  let total = 0;
  for (const message of messages) {
    switch (message.role) {
      case "user":
        total += estimateContentTokens(message.content);
        break;
      case "assistant": {
        let chars = message.text.length;
        for (const call of message.toolCalls) {
          chars += call.name.length + JSON.stringify(call.args).length;
        }
        total += Math.ceil(chars / CHARS_PER_TOKEN);
        break;
      }
      case "tool_results":
        for (const result of message.results) total += estimateTextTokens(result.content);
        break;
    }
  }
  return total;
}
