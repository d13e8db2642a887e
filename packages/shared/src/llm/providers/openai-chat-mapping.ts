/**
 * Pure translations between the provider port and OpenAI Chat Completions (also spoken by
 * Gemini's compatibility endpoint and self-hosted servers).
 */
import type {
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ProviderId } from "../../domain/providers.js";
import { parseToolArgs, serializeToolArgs } from "../tool-args.js";
import type {
  LlmContentBlock,
  LlmMessage,
  LlmRequest,
  LlmStreamEvent,
  LlmToolCall,
  LlmUsage,
  StopReason,
} from "../types.js";
import {
  imageDataUrl,
  incompleteStreamError,
  passthroughParams,
  toolOutputText,
} from "./common.js";

const MANAGED_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "tools",
  "max_tokens",
  "max_completion_tokens",
]);

function userContent(content: string | LlmContentBlock[]): string | ChatCompletionContentPart[] {
  if (typeof content === "string") return content;
  return content.map((block): ChatCompletionContentPart =>
    block.type === "text"
      ? { type: "text", text: block.text }
      : { type: "image_url", image_url: { url: imageDataUrl(block.mediaType, block.data) } },
  );
}

export function toChatMessages(
  system: string | undefined,
  messages: LlmMessage[],
): ChatCompletionMessageParam[] {
  const result: ChatCompletionMessageParam[] = [];
  if (system !== undefined && system !== "") result.push({ role: "system", content: system });
  for (const message of messages) {
    switch (message.role) {
      case "user":
        result.push({ role: "user", content: userContent(message.content) });
        break;
      case "assistant":
        result.push({
          role: "assistant",
          // `null` content is how the wire says "tool calls only".
          content: message.text === "" && message.toolCalls.length > 0 ? null : message.text,
          // Several compatible servers reject an empty `tool_calls` array.
          ...(message.toolCalls.length > 0
            ? {
                tool_calls: message.toolCalls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.name, arguments: serializeToolArgs(call.args) },
                })),
              }
            : {}),
        });
        break;
      case "tool_results":
        for (const toolResult of message.results) {
          result.push({
            role: "tool",
            tool_call_id: toolResult.toolCallId,
            content: toolOutputText(toolResult),
          });
        }
        break;
    }
  }
  return result;
}

export function toChatTools(request: LlmRequest): ChatCompletionFunctionTool[] | undefined {
  if (!request.tools || request.tools.length === 0) return undefined;
  return request.tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}

/**
 * The streaming request body. Only OpenAI itself gets `max_completion_tokens`: many compatible
 * servers know just the older `max_tokens`.
 */
export function toChatParams(
  request: LlmRequest,
  providerId: ProviderId,
): ChatCompletionCreateParamsStreaming {
  const params: ChatCompletionCreateParamsStreaming = {
    ...passthroughParams(request.providerParams, MANAGED_KEYS),
    model: request.model,
    messages: toChatMessages(request.system, request.messages),
    stream: true,
    stream_options: { include_usage: true },
  };
  const tokenLimit: Record<string, number> =
    providerId === "openai"
      ? { max_completion_tokens: request.maxTokens }
      : { max_tokens: request.maxTokens };
  Object.assign(params, tokenLimit);
  const tools = toChatTools(request);
  if (tools) params.tools = tools;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.responseFormat) {
    params.response_format = {
      type: "json_schema",
      json_schema: {
        name: request.responseFormat.name,
        schema: request.responseFormat.schema,
        strict: request.responseFormat.strict,
      },
    };
  }
  return params;
}

const STOP_BY_FINISH_REASON: Record<string, StopReason> = {
  tool_calls: "tool_use",
  function_call: "tool_use",
  length: "max_tokens",
  content_filter: "content_filter",
};

export function mapChatFinishReason(reason: string | null, hasToolCalls: boolean): StopReason {
  const mapped = reason === null ? undefined : STOP_BY_FINISH_REASON[reason];
  // Some compatible servers answer "stop" (or nothing) even when they called tools.
  return mapped ?? (hasToolCalls ? "tool_use" : "end_turn");
}

/** Reasoning text of compatible servers: `reasoning_content` (vLLM, DeepSeek) or `reasoning`. */
function reasoningDelta(delta: ChatCompletionChunk.Choice.Delta): string | undefined {
  const extra = delta as { reasoning_content?: unknown; reasoning?: unknown };
  if (typeof extra.reasoning_content === "string") return extra.reasoning_content;
  if (typeof extra.reasoning === "string") return extra.reasoning;
  return undefined;
}

export interface ChatStreamMapper {
  push(chunk: ChatCompletionChunk): LlmStreamEvent[];
  /** Emits the accumulated tool calls, then `done`. */
  finish(): LlmStreamEvent[];
}

interface PendingCall {
  id: string | undefined;
  name: string;
  args: string;
}

export function createChatStreamMapper(providerId: ProviderId): ChatStreamMapper {
  let text = "";
  const pending = new Map<number, PendingCall>();
  let finishReason: string | null = null;
  let sawChunk = false;
  const usage: LlmUsage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: null,
    cacheReadTokens: null,
  };

  return {
    push(chunk) {
      sawChunk = true;
      if (chunk.usage) {
        usage.inputTokens = chunk.usage.prompt_tokens;
        usage.outputTokens = chunk.usage.completion_tokens;
        usage.cacheReadTokens = chunk.usage.prompt_tokens_details?.cached_tokens ?? null;
      }
      const choice = chunk.choices[0];
      if (!choice) return [];
      const events: LlmStreamEvent[] = [];
      const delta = choice.delta;
      const reasoning = reasoningDelta(delta);
      if (reasoning) events.push({ type: "reasoning_delta", delta: reasoning });
      if (delta.content) {
        text += delta.content;
        events.push({ type: "text_delta", delta: delta.content });
      }
      for (const fragment of delta.tool_calls ?? []) {
        let call = pending.get(fragment.index);
        if (!call) {
          call = { id: undefined, name: "", args: "" };
          pending.set(fragment.index, call);
        }
        if (fragment.id) call.id = fragment.id;
        // The name comes whole in the first fragment; some servers repeat it in later ones.
        if (fragment.function?.name && call.name === "") call.name = fragment.function.name;
        if (fragment.function?.arguments) call.args += fragment.function.arguments;
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return events;
    },
    finish() {
      if (!sawChunk) throw incompleteStreamError(providerId);
      const toolCalls: LlmToolCall[] = [...pending.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, call]) => ({
          id: call.id ?? `call_${index}`,
          name: call.name,
          args: parseToolArgs(call.args),
        }));
      const events: LlmStreamEvent[] = toolCalls.map((call) => ({ type: "tool_call", call }));
      events.push({
        type: "done",
        stopReason: mapChatFinishReason(finishReason, toolCalls.length > 0),
        usage: { ...usage },
        text,
        toolCalls,
      });
      return events;
    },
  };
}
