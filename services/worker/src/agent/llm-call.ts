import { parseDurationMs, type AgentEvent, type RealmConfig } from "@meerkat/shared/domain";
import {
  isLlmError,
  type LlmProvider,
  type LlmRequest,
  type LlmStreamEvent,
} from "@meerkat/shared/llm";
import { storableJson, storableText } from "./storable.js";

export type ModelReply = Extract<LlmStreamEvent, { type: "done" }>;

export interface CallModelOptions {
  provider: LlmProvider;
  request: LlmRequest;
  signal: AbortSignal;
  config: RealmConfig;
  emit: (event: AgentEvent) => void;
  /** Whether deltas are streamed as events (extraction calls are not). */
  streamEvents: boolean;
  /** Milliseconds the run may still spend (time budget); retries never wait past it. */
  remainingMs: () => number;
  /** Called with each text delta (the loop keeps the partial text for interrupts). */
  onText?: (delta: string) => void;
  /** Called when an attempt fails and the call is retried (partial text is discarded). */
  onRetry?: () => void;
}

export class RetryExhaustedError extends Error {
  readonly attempts: number;
  constructor(cause: unknown, attempts: number) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "RetryExhaustedError";
    this.attempts = attempts;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Exponential backoff with ±20% jitter, capped; a provider's retry-after wins when given. */
export function retryDelayMs(
  attempt: number,
  config: RealmConfig,
  retryAfterMs: number | undefined,
): number {
  const initial = parseDurationMs(config.retry.initial_delay) ?? 500;
  const max = parseDurationMs(config.retry.max_delay) ?? 30_000;
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), max);
  const base = Math.min(initial * config.retry.multiplier ** attempt, max);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * One model call, streamed, retried on transient failures with exponential backoff that honours
 * `retry-after` (one `retrying` event per retry). The SDKs' own retries are off, so attempts
 * never multiply, and no retry waits past the run's time budget.
 */
export async function callModel(options: CallModelOptions): Promise<ModelReply> {
  const maxRetries = options.config.retry.max_retries;
  const callTimeout =
    options.config.retry.call_timeout === undefined
      ? undefined
      : parseDurationMs(options.config.retry.call_timeout);
  for (let attempt = 0; ; attempt += 1) {
    try {
      for await (const event of options.provider.stream(options.request, {
        signal: options.signal,
        timeoutMs: callTimeout,
      })) {
        switch (event.type) {
          case "text_delta": {
            const delta = storableText(event.delta);
            options.onText?.(delta);
            if (options.streamEvents) options.emit({ type: "text_delta", delta });
            break;
          }
          case "reasoning_delta":
            if (options.streamEvents) {
              options.emit({ type: "reasoning_delta", delta: storableText(event.delta) });
            }
            break;
          case "tool_call":
            break;
          case "done":
            // What the run stores must be storable (see storable.ts).
            return storableJson(event);
        }
      }
      throw new Error("provider stream ended without a final event");
    } catch (error) {
      if (options.signal.aborted || !isLlmError(error) || !error.classification.retryable)
        throw error;
      if (attempt >= maxRetries) throw new RetryExhaustedError(error, attempt + 1);
      const delay = retryDelayMs(attempt, options.config, error.classification.retryAfterMs);
      if (delay >= options.remainingMs()) throw new RetryExhaustedError(error, attempt + 1);
      options.onRetry?.();
      options.emit({
        type: "retrying",
        attempt: attempt + 1,
        max_attempts: maxRetries + 1,
        error: error.message,
        delay_ms: delay,
      });
      await sleep(delay, options.signal);
    }
  }
}
