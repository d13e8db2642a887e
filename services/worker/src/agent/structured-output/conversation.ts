import type { LlmMessage } from "@meerkat/shared/llm";

/**
 * The main run's conversation with tool calls and results rewritten as plain text. The
 * extraction call defines no tools, and Anthropic refuses `tool_use`/`tool_result` blocks in a
 * request without tools; as text, the model still sees what the tools returned.
 */
export function withoutToolBlocks(conversation: readonly LlmMessage[]): LlmMessage[] {
  return conversation.map((message): LlmMessage => {
    switch (message.role) {
      case "user":
        return message;
      case "assistant": {
        if (message.toolCalls.length === 0) return message;
        const calls = message.toolCalls.map(
          (call) => `[tool call ${call.name} ${JSON.stringify(call.args)}]`,
        );
        const text = [message.text, ...calls].filter((part) => part !== "").join("\n");
        return { role: "assistant", text, toolCalls: [] };
      }
      case "tool_results":
        return {
          role: "user",
          content: message.results
            .map((result) => {
              const label = result.isError ? `${result.name} (error)` : result.name;
              return `[tool result ${label}]\n${result.content}`;
            })
            .join("\n\n"),
        };
    }
  });
}
