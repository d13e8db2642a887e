import { contentText, type ContentInput, type TranscriptMessage } from "@meerkat/shared/domain";

/** Longest tool result kept in rendered text: results are often bulky and rarely worth it whole. */
export const TOOL_RESULT_CHARS = 2_000;

function clip(text: string, max: number): string {
  return text.length > max
    ? `${text.slice(0, max)}… [${text.length - max} characters omitted]`
    : text;
}

function inputText(content: ContentInput): string {
  const text = contentText(content);
  const images =
    typeof content === "string" ? 0 : content.filter((block) => block.type === "image").length;
  return images > 0 ? `${text}${text ? " " : ""}[${images} image(s)]` : text;
}

/**
 * One transcript message as plain text ("User: …", "Assistant: …"), for the summarisation call
 * and for the memory index. System messages render as nothing (the system prompt is not history).
 */
export function renderMessage(message: TranscriptMessage): string {
  switch (message.role) {
    case "system":
      return "";
    case "system_notice":
      return `Notice (${message.kind}): ${message.body ?? ""}`.trimEnd();
    case "user":
      return `User: ${inputText(message.content)}`;
    case "block_assistant": {
      const parts: string[] = [];
      for (const block of message.blocks) {
        if (block.block_type === "text" && block.data.text !== "") {
          parts.push(`Assistant: ${block.data.text}`);
        } else if (block.block_type === "tool_use") {
          parts.push(
            `Assistant called tool ${block.data.name} with ${JSON.stringify(block.data.args)}`,
          );
        }
      }
      return parts.join("\n");
    }
    case "tool_results":
      return message.results
        .map((result) => {
          const content =
            typeof result.content === "string" ? result.content : inputText(result.content);
          const label = result.is_error ? "Tool error" : "Tool result";
          return `${label}: ${clip(content, TOOL_RESULT_CHARS)}`;
        })
        .join("\n");
  }
}

export function renderTranscript(messages: readonly TranscriptMessage[]): string {
  return messages
    .map(renderMessage)
    .filter((text) => text !== "")
    .join("\n\n");
}
