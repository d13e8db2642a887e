/** Public types of the fake provider: scripted replies, matchers and the request log. */

export type FakeStopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";

export interface FakeToolCall {
  /** Defaults to a generated id in the wire's style (`toolu_…` / `call_…`). */
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheCreationTokens?: number;
  cacheReadTokens?: number;
}

export interface FakeError {
  status: number;
  /** Provider error type; defaults to the provider's usual type for the status. */
  type?: string;
  message?: string;
  retryAfterSeconds?: number;
  retryAfterMs?: number;
}

/** One scripted model reply. Every field is optional; an empty reply is the default echo. */
export interface FakeReply {
  /** Full assistant text (default: the echo of the last user message). */
  text?: string;
  /** Explicit streaming chunks; the text is their concatenation. */
  chunks?: string[];
  toolCalls?: FakeToolCall[];
  /** Reasoning text: an Anthropic thinking block, an OpenAI reasoning summary. */
  reasoning?: string;
  usage?: FakeUsage;
  stopReason?: FakeStopReason;
  /** Wait before the response starts (before the status line and headers). */
  delayMs?: number;
  /** Wait between streamed events. */
  chunkDelayMs?: number;
  /** Send headers and the first event, then never finish until the client disconnects. */
  hang?: boolean;
  error?: FakeError;
  /** Shorthand for `text: JSON.stringify(json)`. */
  json?: unknown;
}

export type FakeApi = "anthropic" | "openai-chat" | "openai-responses";

export interface FakeRequestRecord {
  api: FakeApi;
  path: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The parsed JSON request body (`{}` when the body was not a JSON object). */
  body: Record<string, unknown>;
  model: string;
  receivedAt: number;
  /** Set once the client closed the connection before the response was complete. */
  clientDisconnected?: boolean;
}

export interface FakeMatch {
  model?: string;
  /** A substring of the serialized request body. */
  contains?: string;
}

export interface FakeProvider {
  /** `http://<host>:<port>` */
  url: string;
  /** The Anthropic SDK `baseURL` (the SDK appends `/v1/messages`). */
  anthropicBaseUrl: string;
  /** The OpenAI SDK `baseURL`: `url + "/v1"`. */
  openaiBaseUrl: string;
  /** FIFO: a request takes the first queued reply whose matcher matches it. */
  enqueue(reply: FakeReply | FakeReply[], match?: FakeMatch): void;
  requests(): FakeRequestRecord[];
  /** Clears the reply queue and the request log. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, requests must carry this key (`x-api-key` or `Authorization: Bearer`). */
  requireApiKey?: string;
  /** Delay between streamed events when a reply sets none. */
  defaultChunkDelayMs?: number;
  /** The request log keeps at most this many records, dropping the oldest (default 10 000). */
  requestLogLimit?: number;
}
