/**
 * The provider port: what the agent loop needs from any LLM, independent of wire protocol.
 * Adapters in `providers/` translate to and from each SDK; nothing outside `llm/` sees SDK types.
 */
import type { ProviderId } from "../domain/providers.js";

export type JsonObject = { [key: string]: unknown };

/** A tool the model may call. `inputSchema` is a JSON Schema object (type "object"). */
export interface LlmToolDefinition {
  name: string;
  description: string;
  inputSchema: JsonObject;
}

export type LlmContentBlock =
  { type: "text"; text: string } | { type: "image"; mediaType: string; data: string /* base64 */ };

export interface LlmToolCall {
  /** Provider-assigned call id (Anthropic `toolu_…`, OpenAI `call_…`). */
  id: string;
  name: string;
  /** Parsed JSON arguments. Unparseable arguments arrive as `{ "_raw": "<text>" }`. */
  args: JsonObject;
}

export interface LlmToolResult {
  toolCallId: string;
  /** Tool name; the OpenAI Responses wire does not need it, others may. */
  name: string;
  content: string;
  isError: boolean;
}

/** The conversation as the loop keeps it; adapters map it to each wire format. */
export type LlmMessage =
  | { role: "user"; content: string | LlmContentBlock[] }
  | { role: "assistant"; text: string; toolCalls: LlmToolCall[] }
  | { role: "tool_results"; results: LlmToolResult[] };

export interface LlmResponseFormat {
  name: string;
  /** JSON Schema (root type "object"). */
  schema: JsonObject;
  strict: boolean;
}

export interface LlmRequest {
  model: string;
  system?: string | undefined;
  messages: LlmMessage[];
  tools?: LlmToolDefinition[] | undefined;
  maxTokens: number;
  temperature?: number | undefined;
  /**
   * Provider-specific parameters passed through to the request body (e.g. Anthropic `thinking`,
   * OpenAI `reasoning_effort`). Keys the adapter manages itself (model, messages, stream, tools,
   * max tokens) are ignored.
   */
  providerParams?: JsonObject | undefined;
  /** Ask for provider-native JSON-schema output where the provider supports it. */
  responseFormat?: LlmResponseFormat | undefined;
}

export type StopReason =
  "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "content_filter" | "cancelled";

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** null when the provider does not report it. */
  cacheCreationTokens: number | null;
  cacheReadTokens: number | null;
}

/**
 * What a streaming call yields, in order: any number of deltas and completed tool calls, then
 * exactly one `done` (unless the iterator throws an `LlmError`).
 */
export type LlmStreamEvent =
  | { type: "text_delta"; delta: string }
  | { type: "reasoning_delta"; delta: string }
  /** Emitted once per tool call, when its arguments are complete. */
  | { type: "tool_call"; call: LlmToolCall }
  | {
      type: "done";
      stopReason: StopReason;
      usage: LlmUsage;
      text: string;
      toolCalls: LlmToolCall[];
    };

export interface LlmCallOptions {
  /** Aborting rejects the iteration with an `LlmError` of kind `aborted`. */
  signal: AbortSignal;
  /** Per-call timeout in ms; exceeded ⇒ `LlmError` of kind `timeout`. */
  timeoutMs?: number | undefined;
}

export interface LlmProvider {
  readonly id: ProviderId;
  /** Streams one model call. Never retries on its own (SDK retries are disabled). */
  stream(request: LlmRequest, options: LlmCallOptions): AsyncIterable<LlmStreamEvent>;
}

export const LLM_ERROR_KINDS = [
  "rate_limit",
  "auth",
  "invalid_request",
  "not_found",
  "context_length",
  "server",
  "overloaded",
  "timeout",
  "network",
  "aborted",
  "unknown",
] as const;
export type LlmErrorKind = (typeof LLM_ERROR_KINDS)[number];

export interface LlmErrorClassification {
  kind: LlmErrorKind;
  retryable: boolean;
  /** From `retry-after` / `retry-after-ms` headers when the provider sent one. */
  retryAfterMs?: number | undefined;
  /** HTTP status of the provider response, when there was one. */
  status?: number | undefined;
}
