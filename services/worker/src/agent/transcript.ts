import type { AssistantBlock, ContentInput, TranscriptMessage } from "@meerkat/shared/domain";
import type { LlmContentBlock, LlmMessage } from "@meerkat/shared/llm";

/** Maps a wire content input to provider content (blob images are not inlined). */
export function toLlmContent(content: ContentInput): string | LlmContentBlock[] {
  if (typeof content === "string") return content;
  const blocks: LlmContentBlock[] = [];
  for (const block of content) {
    if (block.type === "text") blocks.push({ type: "text", text: block.text });
    else if (block.source === "inline") {
      blocks.push({ type: "image", mediaType: block.media_type, data: block.data });
    } else {
      blocks.push({ type: "text", text: `[image blob ${block.blob_id}]` });
    }
  }
  return blocks;
}

function assistantToLlm(blocks: readonly AssistantBlock[]): LlmMessage {
  let text = "";
  const toolCalls = [];
  for (const block of blocks) {
    if (block.block_type === "text") text += block.data.text;
    else if (block.block_type === "tool_use") {
      toolCalls.push({ id: block.data.id, name: block.data.name, args: block.data.args });
    }
  }
  return { role: "assistant", text, toolCalls };
}

/**
 * The committed transcript as provider messages. System messages are returned separately (they
 * become the request's system prompt); system notices reach the model as user-visible context.
 */
export function transcriptToLlm(transcript: readonly TranscriptMessage[]): LlmMessage[] {
  const out: LlmMessage[] = [];
  const toolNames = new Map<string, string>();
  for (const message of transcript) {
    switch (message.role) {
      case "system":
        break;
      case "system_notice":
        out.push({
          role: "user",
          content: `[system notice: ${message.kind}]\n${message.body ?? ""}`,
        });
        break;
      case "user":
        out.push({ role: "user", content: toLlmContent(message.content) });
        break;
      case "block_assistant":
        for (const block of message.blocks) {
          if (block.block_type === "tool_use") toolNames.set(block.data.id, block.data.name);
        }
        out.push(assistantToLlm(message.blocks));
        break;
      case "tool_results":
        out.push({
          role: "tool_results",
          results: message.results.map((result) => ({
            toolCallId: result.tool_use_id,
            name: toolNames.get(result.tool_use_id) ?? "tool",
            content:
              typeof result.content === "string"
                ? result.content
                : result.content
                    .map((block) => (block.type === "text" ? block.text : "[image]"))
                    .join("\n"),
            isError: result.is_error,
          })),
        });
        break;
    }
  }
  return mergeAdjacentUsers(out);
}

/** Providers want alternating roles; consecutive user messages are joined. */
function mergeAdjacentUsers(messages: LlmMessage[]): LlmMessage[] {
  const merged: LlmMessage[] = [];
  for (const message of messages) {
    const last = merged.at(-1);
    if (last?.role === "user" && message.role === "user") {
      merged[merged.length - 1] = {
        role: "user",
        content: [...asBlocks(last.content), ...asBlocks(message.content)],
      };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

function asBlocks(content: string | LlmContentBlock[]): LlmContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}
