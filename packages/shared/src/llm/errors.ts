/**
 * The one error type provider calls fail with, and the mapping from SDK errors to it. Callers
 * decide retries from `classification`; they never see SDK error classes.
 */
import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicConnectionTimeoutError,
  APIError as AnthropicApiError,
  APIUserAbortError as AnthropicUserAbortError,
} from "@anthropic-ai/sdk";
import {
  APIConnectionError as OpenAiConnectionError,
  APIConnectionTimeoutError as OpenAiConnectionTimeoutError,
  APIError as OpenAiApiError,
  APIUserAbortError as OpenAiUserAbortError,
} from "openai";
import type { ProviderId } from "../domain/providers.js";
import { parseRetryAfterMs } from "./retry-after.js";
import type { LlmErrorClassification, LlmErrorKind } from "./types.js";

const LLM_ERROR = Symbol.for("meerkat.llm-error");

export interface LlmErrorOptions {
  provider: ProviderId;
  classification: LlmErrorClassification;
  cause?: unknown;
}

/** Branded with a global symbol so `isLlmError` works across package copies (never `instanceof`). */
export class LlmError extends Error {
  readonly classification: LlmErrorClassification;
  readonly provider: ProviderId;
  readonly [LLM_ERROR] = true;

  constructor(message: string, options: LlmErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LlmError";
    this.classification = options.classification;
    this.provider = options.provider;
  }

  get kind(): LlmErrorKind {
    return this.classification.kind;
  }

  get retryable(): boolean {
    return this.classification.retryable;
  }
}

export function isLlmError(value: unknown): value is LlmError {
  return typeof value === "object" && value !== null && LLM_ERROR in value;
}

function classification(
  kind: LlmErrorKind,
  retryable: boolean,
  extra: { status?: number | undefined; retryAfterMs?: number | undefined } = {},
): LlmErrorClassification {
  const result: LlmErrorClassification = { kind, retryable };
  if (extra.status !== undefined) result.status = extra.status;
  if (extra.retryAfterMs !== undefined) result.retryAfterMs = extra.retryAfterMs;
  return result;
}

const CONTEXT_LENGTH =
  /context[ _-]?(?:length|window)|prompt is too long|input is too long|maximum context|too many (?:input )?tokens/i;

/** Maps an HTTP status (plus the error text, for context-length errors) to a classification. */
export function classifyStatus(status: number, text = ""): LlmErrorClassification {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return CONTEXT_LENGTH.test(text)
        ? classification("context_length", false, { status })
        : classification("invalid_request", false, { status });
    case 401:
    case 402:
    case 403:
      return classification("auth", false, { status });
    case 404:
      return classification("not_found", false, { status });
    case 408:
      return classification("timeout", true, { status });
    case 409:
    case 429:
      return classification("rate_limit", true, { status });
    case 503:
    case 529:
      return classification("overloaded", true, { status });
  }
  if (status >= 500) return classification("server", true, { status });
  if (status >= 400) return classification("invalid_request", false, { status });
  return classification("unknown", false, { status });
}

/**
 * Classifies a provider error reported without an HTTP status (an `error` event in the middle of
 * a stream) from its type or code. Unknown types count as transient server errors: the request
 * itself was accepted, so the failure happened on the provider's side.
 */
const KIND_BY_ERROR_TYPE: Record<string, LlmErrorKind> = {
  invalid_request_error: "invalid_request",
  invalid_prompt: "invalid_request",
  authentication_error: "auth",
  permission_error: "auth",
  billing_error: "auth",
  invalid_api_key: "auth",
  insufficient_quota: "auth",
  not_found_error: "not_found",
  model_not_found: "not_found",
  rate_limit_error: "rate_limit",
  rate_limit_exceeded: "rate_limit",
  requests: "rate_limit",
  tokens: "rate_limit",
  conflict_error: "rate_limit",
  overloaded_error: "overloaded",
  overloaded: "overloaded",
  server_is_overloaded: "overloaded",
  timeout_error: "timeout",
  api_error: "server",
  server_error: "server",
};

const RETRYABLE_KINDS: ReadonlySet<LlmErrorKind> = new Set([
  "rate_limit",
  "overloaded",
  "timeout",
  "server",
  "network",
]);

/**
 * Classifies a provider error reported without an HTTP status (an `error` event in the middle of
 * a stream) from its type or code. Unknown types count as transient server errors: the request
 * itself was accepted, so the failure happened on the provider's side.
 */
export function classifyErrorType(
  type: string | null | undefined,
  text = "",
): LlmErrorClassification {
  if (CONTEXT_LENGTH.test(text) || type === "context_length_exceeded") {
    return classification("context_length", false);
  }
  const kind = (type ? KIND_BY_ERROR_TYPE[type] : undefined) ?? "server";
  return classification(kind, RETRYABLE_KINDS.has(kind));
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function errorCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("code" in value)) return undefined;
  return typeof value.code === "string" ? value.code : undefined;
}

/** Node fetch failures: `TypeError("fetch failed")` or `terminated` with a socket error as cause. */
function isNetworkFailure(error: Error): boolean {
  const code = errorCode(error) ?? errorCode(error.cause);
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  return error instanceof TypeError && /fetch failed|terminated|socket/i.test(error.message);
}

function classifyApiError(
  error: AnthropicApiError | OpenAiApiError,
  typeOrCode: string | null | undefined,
): LlmErrorClassification {
  const status = error.status;
  if (status === undefined) return classifyErrorType(typeOrCode, error.message);
  // OpenAI reports an exhausted quota as a 429; waiting does not help.
  if (typeOrCode === "insufficient_quota") return classification("auth", false, { status });
  const result = classifyStatus(status, `${error.message} ${typeOrCode ?? ""}`);
  const retryAfterMs = parseRetryAfterMs(error.headers);
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  return result;
}

/** Maps anything a provider call can throw to a classification. */
export function classifyLlmError(error: unknown): LlmErrorClassification {
  if (isLlmError(error)) return error.classification;
  // Abort and connection errors subclass APIError in both SDKs: test them first.
  if (error instanceof AnthropicUserAbortError || error instanceof OpenAiUserAbortError) {
    return classification("aborted", false);
  }
  if (
    error instanceof AnthropicConnectionTimeoutError ||
    error instanceof OpenAiConnectionTimeoutError
  ) {
    return classification("timeout", true);
  }
  if (error instanceof AnthropicConnectionError || error instanceof OpenAiConnectionError) {
    return classification("network", true);
  }
  if (error instanceof AnthropicApiError) return classifyApiError(error, error.type);
  if (error instanceof OpenAiApiError) return classifyApiError(error, error.code ?? error.type);
  if (error instanceof Error) {
    if (error.name === "AbortError") return classification("aborted", false);
    if (error.name === "TimeoutError") return classification("timeout", true);
    if (isNetworkFailure(error)) return classification("network", true);
  }
  return classification("unknown", false);
}

/** Why the adapter itself stopped a call, which outranks whatever the SDK threw as a result. */
export type StopCause = "aborted" | "timeout";

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "unknown provider error";
}

/** Wraps any failure of a provider call as an `LlmError`, keeping the original as `cause`. */
export function toLlmError(error: unknown, provider: ProviderId, stopCause?: StopCause): LlmError {
  if (stopCause === "aborted") {
    return new LlmError(`${provider} call aborted`, {
      provider,
      classification: classification("aborted", false),
      cause: error,
    });
  }
  if (stopCause === "timeout") {
    return new LlmError(`${provider} call timed out`, {
      provider,
      classification: classification("timeout", true),
      cause: error,
    });
  }
  if (isLlmError(error)) return error;
  return new LlmError(`${provider}: ${describe(error)}`, {
    provider,
    classification: classifyLlmError(error),
    cause: error,
  });
}
