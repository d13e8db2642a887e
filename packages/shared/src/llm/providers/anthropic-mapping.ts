/**
 * Pure translations between the provider port and the Anthropic Messages API: request params
 * out, raw stream events in.
 */
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
  StopReason as AnthropicStopReason,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import { parseToolArgs } from "../tool-args.js";
import type {
  LlmContentBlock,
  LlmMessage,
  LlmRequest,
  LlmStreamEvent,
  LlmToolCall,
  LlmUsage,
  StopReason,
} from "../types.js";
import { incompleteStreamError, passthroughParams } from "./common.js";

/** Body keys the adapter sets itself; `providerParams` cannot override them. */
const MANAGED_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "system",
  "stream",
  "tools",
  "max_tokens",
]);

type ImageMediaType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

function userBlocks(content: string | LlmContentBlock[]): string | ContentBlockParam[] {
  if (typeof content === "string") return content;
  return content.map((block): ContentBlockParam => {
    if (block.type === "text") return { type: "text", text: block.text };
    return {
      type: "image",
      // The API rejects other media types with a clear 400; no need to pre-validate here.
      source: { type: "base64", media_type: block.mediaType as ImageMediaType, data: block.data },
    };
  });
}

function assistantBlocks(text: string, toolCalls: LlmToolCall[]): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  // Empty text blocks are rejected by the API.
  if (text !== "") blocks.push({ type: "text", text });
  for (const call of toolCalls) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.args });
  }
  return blocks;
}

function asBlocks(content: string | ContentBlockParam[]): ContentBlockParam[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

/**
 * Maps the conversation. Consecutive messages with the same role are merged (tool results and a
 * follow-up user text become one user turn), since the API expects alternating roles.
 */
export function toAnthropicMessages(messages: LlmMessage[]): MessageParam[] {
  const result: MessageParam[] = [];
  const append = (role: "user" | "assistant", content: string | ContentBlockParam[]): void => {
    const last = result.at(-1);
    if (last && last.role === role) {
      last.content = [...asBlocks(last.content), ...asBlocks(content)];
      return;
    }
    result.push({ role, content });
  };
  for (const message of messages) {
    switch (message.role) {
      case "user":
        append("user", userBlocks(message.content));
        break;
      case "assistant": {
        const blocks = assistantBlocks(message.text, message.toolCalls);
        if (blocks.length > 0) append("assistant", blocks);
        break;
      }
      case "tool_results":
        append(
          "user",
          message.results.map((result) => ({
            type: "tool_result" as const,
            tool_use_id: result.toolCallId,
            content: result.content,
            ...(result.isError ? { is_error: true } : {}),
          })),
        );
        break;
    }
  }
  return result;
}

export function toAnthropicTools(request: LlmRequest): Tool[] | undefined {
  if (!request.tools || request.tools.length === 0) return undefined;
  return request.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { ...tool.inputSchema, type: "object" },
  }));
}

/**
 * The streaming request body. `temperature` is no longer declared by the SDK's types but is
 * still sent when the caller sets it; `responseFormat` is ignored (the caller validates output).
 */
export function toAnthropicParams(request: LlmRequest): MessageCreateParamsStreaming {
  const tools = toAnthropicTools(request);
  const body: Record<string, unknown> = {
    ...passthroughParams(request.providerParams, MANAGED_KEYS),
    model: request.model,
    max_tokens: request.maxTokens,
    messages: toAnthropicMessages(request.messages),
    stream: true,
  };
  if (request.system !== undefined && request.system !== "") body["system"] = request.system;
  if (tools) body["tools"] = tools;
  if (request.temperature !== undefined) body["temperature"] = request.temperature;
  return body as unknown as MessageCreateParamsStreaming;
}

export function mapAnthropicStopReason(reason: AnthropicStopReason | null): StopReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_tokens";
    case "stop_sequence":
      return "stop_sequence";
    case "tool_use":
      return "tool_use";
    case "refusal":
      return "content_filter";
    case "end_turn":
    case "pause_turn":
    case null:
      return "end_turn";
  }
}

export interface AnthropicStreamMapper {
  /** The port events one raw SDK event produces (often none). */
  push(event: RawMessageStreamEvent): LlmStreamEvent[];
  /** The closing `done` event; throws when `message_stop` never arrived. */
  finish(): LlmStreamEvent;
}

interface PendingToolUse {
  id: string;
  name: string;
  json: string;
}

export function createAnthropicStreamMapper(): AnthropicStreamMapper {
  let text = "";
  const toolCalls: LlmToolCall[] = [];
  const pending = new Map<number, PendingToolUse>();
  const usage: LlmUsage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: null,
    cacheReadTokens: null,
  };
  let stopReason: StopReason = "end_turn";
  let stopped = false;

  return {
    push(event) {
      switch (event.type) {
        case "message_start": {
          const start = event.message.usage;
          usage.inputTokens = start.input_tokens;
          usage.outputTokens = start.output_tokens;
          usage.cacheCreationTokens = start.cache_creation_input_tokens ?? null;
          usage.cacheReadTokens = start.cache_read_input_tokens ?? null;
          return [];
        }
        case "content_block_start": {
          const block = event.content_block;
          if (block.type === "tool_use") {
            pending.set(event.index, { id: block.id, name: block.name, json: "" });
          } else if (block.type === "text" && block.text !== "") {
            text += block.text;
            return [{ type: "text_delta", delta: block.text }];
          }
          return [];
        }
        case "content_block_delta": {
          const delta = event.delta;
          switch (delta.type) {
            case "text_delta":
              text += delta.text;
              return [{ type: "text_delta", delta: delta.text }];
            case "thinking_delta":
              return [{ type: "reasoning_delta", delta: delta.thinking }];
            case "input_json_delta": {
              const toolUse = pending.get(event.index);
              if (toolUse) toolUse.json += delta.partial_json;
              return [];
            }
            case "signature_delta":
            case "citations_delta":
              return [];
          }
          return [];
        }
        case "content_block_stop": {
          const toolUse = pending.get(event.index);
          if (!toolUse) return [];
          pending.delete(event.index);
          const call: LlmToolCall = {
            id: toolUse.id,
            name: toolUse.name,
            args: parseToolArgs(toolUse.json),
          };
          toolCalls.push(call);
          return [{ type: "tool_call", call }];
        }
        case "message_delta": {
          stopReason = mapAnthropicStopReason(event.delta.stop_reason);
          // Output tokens are cumulative here; newer API versions repeat the input counts too.
          const delta = event.usage;
          usage.outputTokens = delta.output_tokens;
          if (typeof delta.input_tokens === "number") usage.inputTokens = delta.input_tokens;
          if (typeof delta.cache_creation_input_tokens === "number") {
            usage.cacheCreationTokens = delta.cache_creation_input_tokens;
          }
          if (typeof delta.cache_read_input_tokens === "number") {
            usage.cacheReadTokens = delta.cache_read_input_tokens;
          }
          return [];
        }
        case "message_stop":
          stopped = true;
          return [];
      }
    },
    finish() {
      if (!stopped) throw incompleteStreamError("anthropic");
      return { type: "done", stopReason, usage: { ...usage }, text, toolCalls: [...toolCalls] };
    },
  };
}
