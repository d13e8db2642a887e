/** Pure translations between the provider port and the OpenAI Responses API. */
import type {
  FunctionTool,
  Response as OpenAiResponse,
  ResponseCreateParamsStreaming,
  ResponseInputContent,
  ResponseInputItem,
  ResponseStreamEvent,
  ResponseUsage,
} from "openai/resources/responses/responses";
import { classifyErrorType, LlmError } from "../errors.js";
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
  "input",
  "instructions",
  "stream",
  "tools",
  "max_output_tokens",
  "store",
]);

function userContent(content: string | LlmContentBlock[]): string | ResponseInputContent[] {
  if (typeof content === "string") return content;
  return content.map((block): ResponseInputContent =>
    block.type === "text"
      ? { type: "input_text", text: block.text }
      : {
          type: "input_image",
          image_url: imageDataUrl(block.mediaType, block.data),
          detail: "auto",
        },
  );
}

export function toResponsesInput(messages: LlmMessage[]): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "user":
        items.push({ type: "message", role: "user", content: userContent(message.content) });
        break;
      case "assistant":
        if (message.text !== "") {
          items.push({ type: "message", role: "assistant", content: message.text });
        }
        for (const call of message.toolCalls) {
          items.push({
            type: "function_call",
            call_id: call.id,
            name: call.name,
            arguments: serializeToolArgs(call.args),
          });
        }
        break;
      case "tool_results":
        for (const result of message.results) {
          items.push({
            type: "function_call_output",
            call_id: result.toolCallId,
            output: toolOutputText(result),
          });
        }
        break;
    }
  }
  return items;
}

export function toResponsesTools(request: LlmRequest): FunctionTool[] | undefined {
  if (!request.tools || request.tools.length === 0) return undefined;
  // Not strict: strict mode demands every property be required, which general schemas are not.
  return request.tools.map((tool) => ({
    type: "function",
    name: tool.name,
    description: tool.description,
    parameters: tool.inputSchema,
    strict: false,
  }));
}

/** The streaming request body; `store: false` keeps conversations off OpenAI's servers. */
export function toResponsesParams(request: LlmRequest): ResponseCreateParamsStreaming {
  const params: ResponseCreateParamsStreaming = {
    ...passthroughParams(request.providerParams, MANAGED_KEYS),
    model: request.model,
    input: toResponsesInput(request.messages),
    max_output_tokens: request.maxTokens,
    store: false,
    stream: true,
  };
  if (request.system !== undefined && request.system !== "") params.instructions = request.system;
  const tools = toResponsesTools(request);
  if (tools) params.tools = tools;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.responseFormat) {
    params.text = {
      format: {
        type: "json_schema",
        name: request.responseFormat.name,
        schema: request.responseFormat.schema,
        strict: request.responseFormat.strict,
      },
    };
  }
  return params;
}

function mapUsage(usage: ResponseUsage | undefined, target: LlmUsage): void {
  if (!usage) return;
  target.inputTokens = usage.input_tokens;
  target.outputTokens = usage.output_tokens;
  // Compatible servers may omit the details object or parts of it.
  const details = usage.input_tokens_details as
    Partial<ResponseUsage.InputTokensDetails> | undefined;
  target.cacheReadTokens =
    typeof details?.cached_tokens === "number" ? details.cached_tokens : null;
  target.cacheCreationTokens =
    typeof details?.cache_write_tokens === "number" ? details.cache_write_tokens : null;
}

function incompleteStopReason(response: OpenAiResponse): StopReason {
  return response.incomplete_details?.reason === "content_filter" ? "content_filter" : "max_tokens";
}

function providerError(code: string | null | undefined, message: string): LlmError {
  return new LlmError(`openai: ${message}`, {
    provider: "openai",
    classification: classifyErrorType(code, message),
  });
}

export interface ResponsesStreamMapper {
  push(event: ResponseStreamEvent): LlmStreamEvent[];
  finish(): LlmStreamEvent;
}

interface PendingCall {
  args: string;
}

export function createResponsesStreamMapper(): ResponsesStreamMapper {
  let text = "";
  const toolCalls: LlmToolCall[] = [];
  const pending = new Map<string, PendingCall>();
  const usage: LlmUsage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: null,
    cacheReadTokens: null,
  };
  let stopReason: StopReason | undefined;

  return {
    push(event) {
      // Only a handful of the many event types matter; the rest describe the same output again.
      if (event.type === "response.output_text.delta") {
        text += event.delta;
        return [{ type: "text_delta", delta: event.delta }];
      }
      if (
        event.type === "response.reasoning_summary_text.delta" ||
        event.type === "response.reasoning_text.delta"
      ) {
        return [{ type: "reasoning_delta", delta: event.delta }];
      }
      if (event.type === "response.output_item.added" && event.item.type === "function_call") {
        pending.set(event.item.id ?? event.item.call_id, { args: event.item.arguments });
        return [];
      }
      if (event.type === "response.function_call_arguments.delta") {
        const call = pending.get(event.item_id);
        if (call) call.args += event.delta;
        return [];
      }
      if (event.type === "response.output_item.done" && event.item.type === "function_call") {
        const item = event.item;
        const key = item.id ?? item.call_id;
        const streamed = pending.get(key);
        pending.delete(key);
        const call: LlmToolCall = {
          id: item.call_id,
          name: item.name,
          // The finished item carries the full arguments; the streamed copy is a fallback.
          args: parseToolArgs(item.arguments !== "" ? item.arguments : (streamed?.args ?? "")),
        };
        toolCalls.push(call);
        return [{ type: "tool_call", call }];
      }
      if (event.type === "response.completed") {
        mapUsage(event.response.usage, usage);
        stopReason = toolCalls.length > 0 ? "tool_use" : "end_turn";
        return [];
      }
      if (event.type === "response.incomplete") {
        mapUsage(event.response.usage, usage);
        stopReason = incompleteStopReason(event.response);
        return [];
      }
      if (event.type === "response.failed") {
        const error = event.response.error;
        throw providerError(error?.code, error?.message ?? "response failed");
      }
      if (event.type === "error") throw providerError(event.code, event.message);
      return [];
    },
    finish() {
      if (stopReason === undefined) throw incompleteStreamError("openai");
      return { type: "done", stopReason, usage: { ...usage }, text, toolCalls: [...toolCalls] };
    },
  };
}
