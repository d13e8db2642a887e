import type { HookEntryConfig } from "@meerkat/shared/domain";
import { describeError } from "@meerkat/shared/errors";
import type { HookInvocation, HookInvoker } from "./invocation.js";
import { parseHookResponse, type HookResponse } from "./response.js";

export type HookAttempt =
  | { ok: true; response: HookResponse; durationMs: number }
  | { ok: false; timedOut: boolean; error: string; durationMs: number };

export interface AttemptInput {
  entry: HookEntryConfig;
  invocation: HookInvocation;
  invoke: HookInvoker;
  timeoutMs: number;
  /** The run's signal: an abort rejects the attempt (it is not a hook failure). */
  signal: AbortSignal;
  now: () => number;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("aborted");
}

/**
 * Invokes one hook with its timeout and validates the answer. A hook that throws, times out or
 * answers nonsense is a failed attempt (the caller applies the failure policy); only the run's
 * own abort rejects, so the loop ends the way it ends for every other abort.
 */
export async function attemptHook(input: AttemptInput): Promise<HookAttempt> {
  const { signal, timeoutMs, now } = input;
  signal.throwIfAborted();
  const started = now();
  const elapsed = () => Math.max(0, Math.round(now() - started));
  const controller = new AbortController();
  const timing = { timedOut: false };
  const timer = setTimeout(() => {
    timing.timedOut = true;
    controller.abort(new Error(`hook timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => {
    controller.abort(signal.reason);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const running = input.invoke(input.entry, input.invocation, controller.signal);
    // A runtime that ignores its signal may settle after the race is decided.
    running.catch(() => undefined);
    const raw = await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        controller.signal.addEventListener(
          "abort",
          () => {
            reject(abortReason(controller.signal));
          },
          { once: true },
        );
      }),
    ]);
    const parsed = parseHookResponse(raw);
    return parsed.ok
      ? { ok: true, response: parsed.response, durationMs: elapsed() }
      : { ok: false, timedOut: false, error: parsed.error, durationMs: elapsed() };
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    return {
      ok: false,
      timedOut: timing.timedOut,
      error: timing.timedOut ? `hook timed out after ${timeoutMs} ms` : describeError(error),
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}
