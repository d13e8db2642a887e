/** Pieces every adapter shares: the stream runner, parameter pass-through, small mappings. */
import type { ProviderId } from "../../domain/providers.js";
import { createCallControl } from "../call-control.js";
import { LlmError, toLlmError } from "../errors.js";
import type { JsonObject, LlmCallOptions, LlmStreamEvent, LlmToolResult } from "../types.js";

/** Copies `providerParams` into a request body, minus the keys the adapter manages itself. */
export function passthroughParams(
  params: JsonObject | undefined,
  managed: ReadonlySet<string>,
): JsonObject {
  const result: JsonObject = {};
  if (!params) return result;
  for (const [key, value] of Object.entries(params)) {
    if (!managed.has(key) && value !== undefined) result[key] = value;
  }
  return result;
}

/** OpenAI wires have no error flag on tool output, so a failed tool says so in its text. */
export function toolOutputText(result: LlmToolResult): string {
  return result.isError ? `Error: ${result.content}` : result.content;
}

export function imageDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** A stream that ended (without an error) before its terminal event. */
export function incompleteStreamError(provider: ProviderId): LlmError {
  return new LlmError(`${provider} stream ended before the response completed`, {
    provider,
    classification: { kind: "network", retryable: true },
  });
}

/**
 * Runs one streaming call: owns the abort/timeout signal handed to the SDK and converts every
 * failure into an `LlmError`. `produce` must throw when the SDK stream ends early.
 */
export async function* runStream(
  provider: ProviderId,
  options: LlmCallOptions,
  produce: (signal: AbortSignal) => AsyncGenerator<LlmStreamEvent, void, undefined>,
): AsyncGenerator<LlmStreamEvent, void, undefined> {
  const control = createCallControl(options);
  let completed = false;
  try {
    for await (const event of produce(control.signal)) {
      // The consumer usually stops at `done`; the call is complete then, not abandoned.
      if (event.type === "done") completed = true;
      yield event;
    }
    completed = true;
  } catch (error) {
    throw toLlmError(error, provider, control.stopCause());
  } finally {
    control.dispose(completed);
  }
}

/** Throws when the signal fired: an aborted SDK stream ends quietly instead of throwing. */
export function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new Error("provider call stopped");
}
