import { contentText, type ContentInput, type TranscriptMessage } from "@meerkat/shared/domain";
import type { LlmMessage } from "@meerkat/shared/llm";

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

/** The model's view of a conversation (inside a run) as plain text, like renderTranscript. */
export function renderLlmMessages(messages: readonly LlmMessage[]): string {
  return renderTranscript(
    messages.map((message): TranscriptMessage => {
      switch (message.role) {
        case "user":
          return {
            role: "user",
            content:
              typeof message.content === "string"
                ? message.content
                : message.content.map((block) =>
                    block.type === "text"
                      ? block
                      : {
                          type: "image" as const,
                          media_type: block.mediaType,
                          source: "inline" as const,
                          data: block.data,
                        },
                  ),
          };
        case "assistant":
          return {
            role: "block_assistant",
            blocks: [
              ...(message.text === ""
                ? []
                : [{ block_type: "text" as const, data: { text: message.text } }]),
              ...message.toolCalls.map((call) => ({
                block_type: "tool_use" as const,
                data: { id: call.id, name: call.name, args: call.args },
              })),
            ],
            stop_reason: "tool_use",
          };
        case "tool_results":
          return {
            role: "tool_results",
            results: message.results.map((result) => ({
              tool_use_id: result.toolCallId,
              content: result.content,
              is_error: result.isError,
            })),
          };
      }
    }),
  );
}
